declare const __SPHERE_VERSION__: string;
console.log(__SPHERE_VERSION__);
