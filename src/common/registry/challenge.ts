/** `WWW-Authenticate` challenges (RFC 7235) as registries send them: `Bearer realm="…",service="…",scope="…"`. */

export interface Challenge {
  /** Lowercased scheme: `bearer`, `basic`. */
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /^\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)/;
const PARAM = /^\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/;

/** Parses every challenge of a header value; parameters keep their values, names are lowercased. */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let rest = header;
  while (rest.trim()) {
    const scheme = TOKEN.exec(rest);
    if (!scheme) break;
    rest = rest.slice(scheme[0].length);
    const challenge: Challenge = { scheme: scheme[1].toLowerCase(), params: {} };
    for (;;) {
      const param = PARAM.exec(rest);
      if (!param) break;
      challenge.params[param[1].toLowerCase()] =
        param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : param[3];
      rest = rest.slice(param[0].length);
    }
    challenges.push(challenge);
    rest = rest.replace(/^\s*,/, '');
  }
  return challenges;
}
