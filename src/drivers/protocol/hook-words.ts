/**
 * How a hook's argument words travel in `EXECUTE <vid> <hook> <where>
 * <command> <words>` (spec §4.7, changed on purpose): `<words>` is ONE token,
 * the base64 of the JSON array of the words, e.g. `["-c","echo a b"]` is
 * `WyItYyIsImVjaG8gYSBiIl0=`. No arguments is `W10=` (`[]`).
 *
 * 1.4 sent the arguments as free text that one_hm split again, so a blank or
 * a quote inside a VM's value could add or merge words. A base64 token has
 * no blanks, line breaks or quotes, so the driver gets back exactly the words
 * the core split and substituted, whatever they contain.
 */
export function encodeHookWords(words: readonly string[]): string {
  return Buffer.from(JSON.stringify(words), 'utf8').toString('base64');
}

export function decodeHookWords(token: string): string[] | { error: string } {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(token) || token.length % 4 !== 0) return { error: 'arguments are not base64' };
  let words: unknown;
  try {
    words = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    return { error: 'arguments are not a JSON array' };
  }
  if (!Array.isArray(words) || !words.every((w) => typeof w === 'string')) return { error: 'arguments are not a JSON array of strings' };
  return words;
}
