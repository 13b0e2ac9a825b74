// Types of launcher.mjs (plain JavaScript so that choosing needs no TypeScript loader).
export declare const BUILDS: { output: string; sources: string[] }[];
export declare function chooseEntry(root: string): { kind: 'dist'; entry: string } | { kind: 'src'; entry: string; reason: string };
