/** otcwatch's version, as package.json has it (a test holds them equal): named in `--version` and each WARC file's warcinfo. */
export const OTCWATCH_VERSION = '0.1.0';
