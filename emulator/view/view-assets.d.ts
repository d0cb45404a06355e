/** The board page's files, embedded by scripts/build.mjs (emulator/view/assets.ts). */
declare module 'sphere:view-assets' {
  const assets: { html: string; js: string; css: string };
  export default assets;
}
