// Finds where each field of a valid GGUF header sits, so tests can damage one
// field precisely (a count, a string length, a dimension, a tensor offset).
// It trusts its input: give it files the writer made.

export type FieldKind = 'version' | 'count' | 'length' | 'value-type' | 'n-dims' | 'dim' | 'tensor-type' | 'offset';

export interface Field {
  kind: FieldKind;
  /** Byte position of the field. */
  at: number;
  /** 4 or 8 bytes. */
  size: 4 | 8;
  /** What it belongs to: a key or tensor name. */
  owner: string;
}

const FIXED: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

export function ggufFields(bytes: Uint8Array): Field[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fields: Field[] = [];
  let pos = 0;
  const field = (kind: FieldKind, size: 4 | 8, owner: string): number => {
    fields.push({ kind, at: pos, size, owner });
    const v = size === 4 ? view.getUint32(pos, true) : Number(view.getBigUint64(pos, true));
    pos += size;
    return v;
  };
  const string = (owner: string): string => {
    const n = field('length', 8, owner);
    const s = Buffer.from(bytes.buffer, bytes.byteOffset + pos, n).toString('utf8');
    pos += n;
    return s;
  };
  const value = (type: number, owner: string): void => {
    if (type === 8) string(owner);
    else if (type === 9) {
      const itemType = field('value-type', 4, owner);
      const count = field('count', 8, owner);
      for (let i = 0; i < count; i++) value(itemType, owner);
    } else pos += FIXED[type]!;
  };
  pos = 4;
  field('version', 4, 'header');
  const tensors = field('count', 8, 'tensor count');
  const kvs = field('count', 8, 'metadata count');
  for (let i = 0; i < kvs; i++) {
    const key = string('key');
    value(field('value-type', 4, key), key);
  }
  for (let i = 0; i < tensors; i++) {
    const name = string('tensor name');
    const n = field('n-dims', 4, name);
    for (let d = 0; d < n; d++) field('dim', 8, name);
    field('tensor-type', 4, name);
    field('offset', 8, name);
  }
  return fields;
}
