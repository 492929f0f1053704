// `bitnet inspect FILE`: what a GGUF holds and whether it is a BitNet b1.58
// model this extension can run. Prints the container facts first, so even a
// file that fails the model check says what it is; any error ends the output
// with one line and a non-zero exit.
import { checkBitnetModel } from '../model-file/bitnet-model';
import { ggmlTypeName } from '../model-file/ggml-types';
import { GgufError, metadataTypeName, readGguf, type GgufFile } from '../model-file/gguf-reader';
import type { Command } from './args';

export const inspect: Command = {
  spec: {
    name: 'inspect',
    description: 'Describes a GGUF model file (container, tensors, shapes, tokenizer) and checks that it is a BitNet b1.58 model this extension can run.',
    options: {},
    positional: { name: 'FILE', help: 'the GGUF file' },
  },
  async run({ positional }) {
    const path = positional!;
    try {
      const file = readGguf(path);
      printContainer(file);
      const model = checkBitnetModel(file);
      const h = model.hparams;
      const v = model.vocab;
      console.log(`model:        ${model.architecture} "${model.name}"`);
      console.log(
        `shape:        ${h.blockCount} layers, hidden ${h.embeddingLength}, ffn ${h.feedForwardLength}, ` +
          `${h.headCount} heads / ${h.headCountKv} KV heads (head size ${h.embeddingLength / h.headCount})`,
      );
      console.log(`context:      ${h.contextLength} tokens, RoPE base ${h.ropeFreqBase}, RMS eps ${Number(h.rmsEpsilon.toPrecision(6))}`);
      const control = v.tokenTypes.filter((t) => t === 3).length;
      console.log(`tokenizer:    byte-level BPE, ${v.tokens.length} tokens (${control} control), ${v.merges.length} merges`);
      console.log(`special ids:  BOS ${v.bosId} ${v.tokens[v.bosId]}, EOS ${v.eosId} ${v.tokens[v.eosId]}, EOT ${v.eotId}${v.eotId >= 0 ? ` ${v.tokens[v.eotId]}` : ''}`);
      console.log('ok: a BitNet b1.58 model this extension can run');
      return 0;
    } catch (err) {
      if (!(err instanceof GgufError)) throw err;
      console.error(`bitnet inspect: ${err.message}`);
      return 1;
    }
  },
};

function printContainer(file: GgufFile): void {
  const arch = file.metadata.get('general.architecture');
  console.log(`file:         ${file.path} (${file.fileSize} bytes)`);
  console.log(`gguf:         version ${file.version}, alignment ${file.alignment}, data at byte ${file.dataOffset}`);
  console.log(`architecture: ${typeof arch === 'string' ? arch : `(${metadataTypeName(file, 'general.architecture')})`}`);
  console.log(`metadata:     ${file.metadata.size} keys`);
  const byType = new Map<string, number>();
  for (const t of file.tensors) byType.set(ggmlTypeName(t.type), (byType.get(ggmlTypeName(t.type)) ?? 0) + 1);
  const counts = [...byType].map(([name, n]) => `${name} ${n}`).join(', ');
  console.log(`tensors:      ${file.tensors.length} (${counts})`);
  const shapes = new Map<string, number>();
  for (const t of file.tensors) {
    const kind = `${t.name.replace(/^blk\.\d+\./, 'blk.N.')} ${ggmlTypeName(t.type)} ${t.dims.join('×')}`;
    shapes.set(kind, (shapes.get(kind) ?? 0) + 1);
  }
  for (const [kind, n] of shapes) console.log(`  ${n > 1 ? `${n}×` : '  '} ${kind}`);
}
