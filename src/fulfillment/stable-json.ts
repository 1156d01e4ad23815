/** JSON with sorted keys: equal slots give equal text whatever order they were filled in (cache keys, request fingerprints). */
export function stableJson(value: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(Object.keys(value).sort().map((key) => [key, value[key]]));
}
