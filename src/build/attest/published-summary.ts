/** The job summary of what was signed and verified, with the commands that verify it (pure). */
import { summaryTable } from '../summary.js';
import type { Published } from './publish.js';

export function publishedSummary(p: Published): string {
  const rows: [string, string][] = [];
  if (p.signature) rows.push(['Signature', `\`${p.digest}\` (\`https://sigstore.dev/cosign/sign/v1\`)`]);
  for (const s of p.sboms) {
    const link = s.url ? ` [${s.id}](${s.url})` : '';
    rows.push([`SBOM ${s.platform}`, `\`${s.digest}\`${link}`]);
  }
  rows.push(['Verified', `${p.verified} bundles read back from ${p.images.map(i => `\`${i}\``).join(', ')}`]);
  const table = summaryTable('Signatures', rows);
  if (p.commands.length === 0) return table;
  return `${table}\nVerify with:\n\n\`\`\`sh\n${p.commands.join('\n')}\n\`\`\`\n`;
}
