// esbuild's text loader (scripts/build-web.ts) bundles .yaml files as their text.
declare module '*.yaml' {
  const text: string;
  export default text;
}
