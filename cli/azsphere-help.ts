/** placeholder */
export function azsphereHelp(version: string): string { return `azsphere ${version}\n`; }
