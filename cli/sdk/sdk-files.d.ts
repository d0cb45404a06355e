/** The virtual module scripts/build.mjs makes from the repository's sdk/ folder: path → UTF-8 text. */
declare module 'sphere:sdk-files' {
  const files: Record<string, string>;
  export default files;
}
