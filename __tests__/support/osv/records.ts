/** OSV records for the stand-in, written as OSV's databases write them (ossf/osv-schema). */

export interface RecordSpec {
  id: string;
  aliases?: string[];
  summary?: string;
  /** The affected package: its purl without version (`pkg:deb/debian/openssl`), ecosystem and name. */
  purl: string;
  ecosystem: string;
  name: string;
  /** Affected versions. */
  versions: string[];
  introduced?: string;
  fixed?: string;
  /** A CVSS v3.x vector in `severity`. */
  cvss3?: string;
  /** A CVSS v4 vector in `severity`. */
  cvss4?: string;
  /** `database_specific.severity` (GHSA's LOW, MODERATE, HIGH, CRITICAL). */
  databaseSeverity?: string;
}

export function osvRecord(spec: RecordSpec): Record<string, unknown> {
  const severity = [
    ...(spec.cvss3 ? [{ type: 'CVSS_V3', score: spec.cvss3 }] : []),
    ...(spec.cvss4 ? [{ type: 'CVSS_V4', score: spec.cvss4 }] : [])
  ];
  const events: Record<string, string>[] = [{ introduced: spec.introduced ?? '0' }];
  if (spec.fixed) events.push({ fixed: spec.fixed });
  return {
    schema_version: '1.6.0',
    id: spec.id,
    modified: '2026-10-01T12:00:00Z',
    published: '2026-09-01T12:00:00Z',
    ...(spec.aliases ? { aliases: spec.aliases } : {}),
    summary: spec.summary ?? `${spec.name}: a flaw`,
    details: `A flaw in ${spec.name}.`,
    ...(severity.length ? { severity } : {}),
    affected: [
      {
        package: { ecosystem: spec.ecosystem, name: spec.name, purl: spec.purl },
        ranges: [{ type: 'ECOSYSTEM', events }],
        versions: spec.versions
      }
    ],
    ...(spec.databaseSeverity ? { database_specific: { severity: spec.databaseSeverity } } : {}),
    references: [{ type: 'ADVISORY', url: `https://osv.dev/vulnerability/${spec.id}` }]
  };
}
