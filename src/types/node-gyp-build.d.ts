// node-gyp-build ships no types; this is the part of it we use.
declare module 'node-gyp-build' {
  interface Tags {
    file: string;
    runtime?: string;
    napi?: boolean;
    abi?: string;
    specificity: number;
  }
  interface NodeGypBuild {
    (dir: string): unknown;
    resolve(dir: string): string;
    parseTags(file: string): Tags;
    matchTags(runtime: string, abi: string): (tags: Tags) => boolean;
    compareTags(runtime: string): (a: Tags, b: Tags) => number;
  }
  const load: NodeGypBuild;
  export default load;
}
