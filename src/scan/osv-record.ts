/** The parts of an OSV record (ossf/osv-schema) the scan reads. */

export interface OsvSeverityEntry {
  type?: string;
  score?: string;
}

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvAffected {
  package?: { ecosystem?: string; name?: string; purl?: string };
  severity?: OsvSeverityEntry[];
  ranges?: { type?: string; events?: OsvEvent[] }[];
  versions?: string[];
  ecosystem_specific?: { severity?: unknown };
  database_specific?: { severity?: unknown };
}

export interface OsvRecord {
  id: string;
  summary?: string;
  details?: string;
  aliases?: string[] | null;
  modified?: string;
  severity?: OsvSeverityEntry[];
  affected?: OsvAffected[] | null;
  database_specific?: { severity?: unknown };
}
