// Constants of the GGUF container format shared by the reader and the writer.

/** "GGUF" as the first four bytes of the file. */
export const GGUF_MAGIC = 0x46554747;
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** Metadata value type ids as stored in the file. */
export const GGUF_VALUE_TYPE = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
} as const;

export type GgufValueTypeName = keyof typeof GGUF_VALUE_TYPE;

const NAMES = Object.keys(GGUF_VALUE_TYPE) as GgufValueTypeName[];

export function ggufValueTypeName(type: number): GgufValueTypeName | undefined {
  return NAMES.find((name) => GGUF_VALUE_TYPE[name] === type);
}

/** Bytes one value of a fixed-size type takes; undefined for string and array. */
export function ggufFixedSize(type: number): number | undefined {
  switch (type) {
    case GGUF_VALUE_TYPE.u8:
    case GGUF_VALUE_TYPE.i8:
    case GGUF_VALUE_TYPE.bool:
      return 1;
    case GGUF_VALUE_TYPE.u16:
    case GGUF_VALUE_TYPE.i16:
      return 2;
    case GGUF_VALUE_TYPE.u32:
    case GGUF_VALUE_TYPE.i32:
    case GGUF_VALUE_TYPE.f32:
      return 4;
    case GGUF_VALUE_TYPE.u64:
    case GGUF_VALUE_TYPE.i64:
    case GGUF_VALUE_TYPE.f64:
      return 8;
    default:
      return undefined;
  }
}

export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}
