/**
 * The meta stage's computation, pure: inputs and the loaded context in, tags, labels, annotations
 * and the other outputs of docker/metadata-action out.
 */
import { createBakeDefinitions } from './bake.js';
import type { MetaContext } from './context.js';
import { globalContext } from './expressions.js';
import { settleFloating } from './floating.js';
import { imageName } from './images.js';
import type { MetaInputs } from './inputs.js';
import { labelObject, mergeLabels, ociDefaults, withLevels } from './labels.js';
import type { MetaResult } from './result.js';
import { fullTags, latestTag, tagNames } from './tag-list.js';
import { templates } from './templates.js';
import { computeVersion } from './version.js';

export function computeMeta(inputs: MetaInputs, ctx: MetaContext): MetaResult {
  const warnings: string[] = [...inputs.warnings, ...ctx.warnings];
  const notices: string[] = [];
  const warn = (message: string) => warnings.push(message);
  const scope = { ...ctx, shortShaLength: inputs.settings.shortShaLength, warn };
  const render = templates(globalContext(scope), warn);
  const images = inputs.images
    .filter(image => image.enable)
    .map(image => {
      const { name, notice } = imageName(image);
      if (notice) notices.push(notice);
      return name;
    });
  const computed = computeVersion(inputs.tags, {
    ...scope,
    defaultBranch: ctx.repoInfo.defaultBranch,
    flavor: inputs.flavor,
    templates: render
  });
  const { version, held } =
    inputs.floatingTags === 'highest' && ctx.gitTags
      ? settleFloating(computed, ctx.gitTags, latestTag(inputs.flavor))
      : { version: computed, held: [] };
  for (const h of held) {
    notices.push(`${h.tag} stays on ${h.heldBy}, which is higher than ${h.release} (floating-tags: highest)`);
  }
  const names = tagNames(version, inputs.flavor);
  const tags = fullTags(names, images);
  if (!version.main) warnings.push('No Docker image version has been generated. Check tags input.');
  if (tags.length === 0) warnings.push('No Docker tag has been generated. Check tags input.');
  const defaults = ociDefaults({
    repo: ctx.repoInfo,
    version: version.main,
    created: ctx.created,
    revision: ctx.sha
  });
  const labels = mergeLabels(defaults, inputs.labels, render, warn, 'labels');
  const annotationList = mergeLabels(defaults, inputs.annotations, render, warn, 'annotations');
  const annotations = withLevels(annotationList, inputs.settings.annotationLevels);
  return {
    version: version.main ?? '',
    tags,
    tagNames: names,
    images,
    labels,
    annotations,
    json: { tags, 'tag-names': names, labels: labelObject(labels), annotations },
    bake: createBakeDefinitions({
      target: inputs.bakeTarget,
      tags,
      images,
      version: version.main,
      labels,
      annotations
    }),
    separators: { tags: inputs.sepTags, labels: inputs.sepLabels, annotations: inputs.sepAnnotations },
    setOutputEnv: inputs.settings.setOutputEnv,
    versionTags: names.filter(name => version.releases?.has(name)),
    held,
    warnings,
    notices
  };
}
