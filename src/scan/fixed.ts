/** The version that fixes a package, from the `fixed` events of the record's ranges for that package. */
import type { OsvRecord } from './osv-record.js';
import { ecosystemName, ecosystemOf, parsePurl } from './purl.js';

/** The fixed versions the record gives for the package of `purl`, in the record's order ('' for none). */
export function fixedVersion(record: OsvRecord, purl: string): string {
  const p = parsePurl(purl);
  if (!p) return '';
  const ecosystem = ecosystemOf(p);
  const name = ecosystemName(p);
  const fixed: string[] = [];
  for (const a of record.affected ?? []) {
    const pkg = a.package ?? {};
    const other = pkg.purl ? parsePurl(pkg.purl) : undefined;
    const samePurl =
      other !== undefined &&
      other.type === p.type &&
      other.namespace === p.namespace &&
      other.name === p.name;
    const sameName = (pkg.ecosystem ?? '').split(':')[0] === ecosystem && pkg.name === name;
    if (!samePurl && !sameName) continue;
    for (const range of a.ranges ?? []) {
      for (const e of range.events ?? []) {
        if (typeof e.fixed === 'string' && e.fixed && !fixed.includes(e.fixed)) fixed.push(e.fixed);
      }
    }
  }
  return fixed.join(', ');
}
