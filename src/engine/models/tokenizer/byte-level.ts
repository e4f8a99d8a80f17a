/**
 * @module engine/models/tokenizer/byte-level
 * GPT-2's byte-to-unicode table: byte-level BPE vocabularies spell every byte as a printable character
 * (e.g. space is 'Ġ'); this maps such a token string back to its bytes.
 */

let characterToByte: Map<string, number> | undefined;

function table(): Map<string, number> {
  if (characterToByte) return characterToByte;
  const printable: number[] = [];
  for (let byte = 33; byte <= 126; byte++) printable.push(byte);
  for (let byte = 161; byte <= 172; byte++) printable.push(byte);
  for (let byte = 174; byte <= 255; byte++) printable.push(byte);
  characterToByte = new Map();
  let shifted = 0;
  for (let byte = 0; byte < 256; byte++) {
    const code = printable.includes(byte) ? byte : 256 + shifted++;
    characterToByte.set(String.fromCodePoint(code), byte);
  }
  return characterToByte;
}

/** Bytes of a byte-level token string; characters outside the table are kept as their UTF-8 bytes. */
export function byteLevelTokenBytes(token: string): Uint8Array {
  const map = table();
  const bytes: number[] = [];
  for (const character of token) {
    const byte = map.get(character);
    if (byte !== undefined) bytes.push(byte);
    else bytes.push(...new TextEncoder().encode(character));
  }
  return Uint8Array.from(bytes);
}

/** The byte-level spelling of raw bytes (the inverse), used to build vocabularies in tests. */
export function byteLevelSpelling(bytes: Uint8Array): string {
  const inverse = new Map([...table()].map(([character, byte]) => [byte, character]));
  return Array.from(bytes, (byte) => inverse.get(byte)!).join('');
}
