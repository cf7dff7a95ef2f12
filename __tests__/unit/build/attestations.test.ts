import { attestType, attestValues, effectiveAttestation } from '../../../src/build/attestations.js';

describe('attests next to the provenance and sbom inputs', () => {
  test.each([
    ['type=sbom,generator=image', 'sbom'],
    ['generator=image, type=sbom', 'sbom'],
    ['Type=provenance', 'provenance'],
    ['mode=max', '']
  ])('the type of %j is %j', (entry, type) => expect(attestType(entry)).toBe(type));

  test.each<[string[], string, string, string[]]>([
    [['type=sbom', 'type=provenance,mode=max'], '', '', ['type=sbom', 'type=provenance,mode=max']],
    [['type=sbom', 'type=provenance,mode=max'], 'mode=min', '', ['type=sbom']],
    [['type=sbom', 'type=provenance,mode=max'], '', 'false', ['type=provenance,mode=max']],
    [['type=sbom', 'type=provenance'], 'true', 'true', []]
  ])('attests %j with provenance %j and sbom %j pass on %j', (attests, provenance, sbom, expected) =>
    expect(attestValues(attests, provenance, sbom)).toEqual(expected)
  );

  test.each<[string, string[], string]>([
    ['mode=max', ['type=provenance,disabled=true'], 'mode=max'],
    ['', ['type=provenance,disabled=true'], 'false'],
    ['', ['type=provenance,disabled=false,mode=max'], 'true'],
    ['', ['type=sbom'], ''],
    ['', [], '']
  ])('provenance %j with attests %j reads as %j', (input, attests, expected) =>
    expect(effectiveAttestation('provenance', input, attests)).toBe(expected)
  );
});
