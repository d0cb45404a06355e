/**
 * The deploy half of sideload/: the local package check, the planner and the executor, and
 * `sideload delete`. They read packages and trust stores (image-builder/, signer/), which the
 * other device commands never need, so sideload/index.ts hands them out through `deployment()`
 * and a `device show-attached` does not load the package reader and the signer.
 */
export { checkPackage, checkPackageAsync, factsNeeded, planDeploy } from './deploy-plan';
export { deleteSideloaded, deploy, isListed, readDeviceFacts } from './deploy';
