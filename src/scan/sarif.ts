/**
 * The scan as SARIF 2.1.0 (OASIS), as GitHub's code scanning reads it: one run per image and
 * platform, its category in `automationDetails.id`, one rule per vulnerability with the numeric
 * `security-severity`, one result per affected package, placed on the Dockerfile (pure).
 */
import type { Finding, PlatformScan } from './findings.js';
import { numericSeverity, type Rated } from './severity.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const TOOL_NAME = 'push-to-image';

export interface SarifTarget {
  /** The image the platforms belong to (`ghcr.io/o/app`). */
  image: string;
  digest: string;
  scans: PlatformScan[];
}

/** The category of a platform's run: one per image and platform. */
export function category(image: string, platform: string): string {
  return `push-to-image/${image}/${platform}`;
}

const LEVEL: Record<Rated, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  unknown: 'warning'
};

function rule(f: Finding) {
  const name = f.aliases.find(a => a.startsWith('CVE-')) ?? f.id;
  return {
    id: f.id,
    name: name.replace(/[^A-Za-z0-9]/g, ''),
    shortDescription: { text: f.summary || `${name} in ${f.package.name}` },
    fullDescription: { text: f.summary || `${name}: see ${f.id} in OSV` },
    helpUri: `https://osv.dev/vulnerability/${encodeURIComponent(f.id)}`,
    help: {
      text: `${f.id}${f.aliases.length ? ` (${f.aliases.join(', ')})` : ''}: https://osv.dev/vulnerability/${f.id}`
    },
    defaultConfiguration: { level: LEVEL[f.severity.severity] },
    properties: {
      tags: ['security', 'vulnerability', 'container'],
      'security-severity': numericSeverity(f.severity)
    }
  };
}

function result(f: Finding, target: SarifTarget, platform: string, artifactUri: string) {
  const fix = f.fixed ? `; fixed in ${f.fixed}` : '; no fixed version known';
  return {
    ruleId: f.id,
    level: LEVEL[f.severity.severity],
    message: {
      text: `${f.package.name} ${f.package.version} (${f.package.purl}) in ${target.image}@${target.digest} (${platform}) is affected by ${f.id}, severity ${f.severity.severity}${fix}`
    },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: artifactUri }, region: { startLine: 1 } },
        logicalLocations: [{ name: f.package.purl, kind: 'package' }]
      }
    ],
    partialFingerprints: { 'vulnerability/package': `${f.id}/${f.package.purl}/${platform}` },
    properties: { purl: f.package.purl, fixedVersion: f.fixed, platform, severity: f.severity.severity }
  };
}

/** The SARIF log of every image and platform; `artifactUri` is the Dockerfile's path in the repository. */
export function sarifLog(targets: SarifTarget[], artifactUri: string): object {
  const runs = targets.flatMap(target =>
    target.scans.map(scan => {
      const rules = new Map<string, ReturnType<typeof rule>>();
      for (const f of scan.findings) if (!rules.has(f.id)) rules.set(f.id, rule(f));
      return {
        tool: {
          driver: {
            name: TOOL_NAME,
            informationUri: 'https://osv.dev',
            rules: [...rules.values()]
          }
        },
        automationDetails: { id: `${category(target.image, scan.platform)}/` },
        results: scan.findings.map(f => result(f, target, scan.platform, artifactUri)),
        properties: {
          image: target.image,
          digest: target.digest,
          platform: scan.platform,
          packages: scan.packages
        }
      };
    })
  );
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs };
}
