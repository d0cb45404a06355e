/**
 * attestation/ public face: the attestation report format (format.ts), JWS compact encoding
 * (jws.ts), making a report (report.ts, used by the emulator) and verifying one offline
 * (verify.ts, used by `sphere attestation verify`).
 */
export * from './format';
export { b64url, b64urlDecode, decodeJws, encodeJws, type DecodedJws } from './jws';
export { checkNonce, createReport, reportClaims, ueidOf, type ReportInput, type ReportMeasurement } from './report';
export { recomputeDigest, verifyReport, type AttestationVerdict, type ExpectedImage, type Measurement, type ReportFacts, type VerifyOptions } from './verify';
