import type { components } from '@lyceum/api-client';

type S = components['schemas'];

export type CertificateTemplateEnvelope = S['CertificateTemplateEnvelopeDto_Output'];
export type CertificateTemplate = NonNullable<CertificateTemplateEnvelope['template']>;
export type PutCertificateTemplate = S['PutCertificateTemplateDto'];
export type Certificate = S['CertificateDto_Output'];
export type CertificatePage = S['CertificatePageDto_Output'];
export type OpenBadgeCredential = S['OpenBadgeCredentialDto_Output'];
export type PublicCertificate = S['PublicCertificateDto_Output'];
export type CredentialVerification = S['CredentialVerificationDto_Output'];

export const templateKey = (courseId: string) => ['certificates', 'template', courseId] as const;
export const issuedKey = (courseId: string) => ['certificates', 'issued', courseId] as const;
export const mineKey = ['certificates', 'mine'] as const;

export const CODE_PATTERN = /^LYC-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/** Offers bytes as a file download (the Open Badge files are made in the browser from the API's answer). */
export function downloadFile(name: string, type: string, content: BlobPart): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
