import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, Public, type RequestContext } from '../../../kernel/auth/index.js';
import { CertificateVerifier } from './certificate-verifier.js';
import {
  CertificateCourseParamsDto,
  CertificateDto,
  CertificatePageDto,
  CertificateParamsDto,
  CertificateTemplateEnvelopeDto,
  CredentialVerificationDto,
  IssuerParamsDto,
  IssuerProfileDto,
  JwksDto,
  ListCertificatesQueryDto,
  OpenBadgeCredentialDto,
  PublicCertificateDto,
  PutCertificateTemplateDto,
  RevokeCertificateDto,
  VerifyCredentialDto,
  VerifyParamsDto,
} from './certificates.dto.js';
import { CertificatesService } from './certificates.service.js';

/** Public verification is rate-limited per client on top of the global limit. */
const VERIFY_LIMIT = { rateLimit: { max: 60, timeWindow: '1 minute' } };

@ApiTags('certificates')
@Controller()
export class CertificatesController {
  constructor(
    private readonly certs: CertificatesService,
    private readonly verifier: CertificateVerifier,
  ) {}

  @Get('courses/:courseId/certificate-template')
  @ApiOperation({ summary: "The course's certificate template (null when it issues none) and how many it issued; course staff" })
  @ZodResponse({ status: 200, type: CertificateTemplateEnvelopeDto })
  getTemplate(@Ctx() ctx: RequestContext, @Param() p: CertificateCourseParamsDto) {
    return this.certs.getTemplate(ctx, p.courseId);
  }

  @Put('courses/:courseId/certificate-template')
  @ApiOperation({ summary: 'Create or replace the course certificate template; learners who complete the course from now on get a certificate', description: 'Needs edit rights on the course.' })
  @ZodResponse({ status: 200, type: CertificateTemplateEnvelopeDto })
  putTemplate(@Ctx() ctx: RequestContext, @Param() p: CertificateCourseParamsDto, @Body() body: PutCertificateTemplateDto) {
    return this.certs.putTemplate(ctx, p.courseId, body);
  }

  @Delete('courses/:courseId/certificate-template')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop issuing certificates for the course (those already issued stay valid)' })
  async deleteTemplate(@Ctx() ctx: RequestContext, @Param() p: CertificateCourseParamsDto): Promise<void> {
    await this.certs.deleteTemplate(ctx, p.courseId);
  }

  @Put('courses/:courseId/certificate-template/signature')
  @ApiOperation({ summary: 'Upload the signature image (multipart field `file`; PNG or JPEG up to 1 MB, checked from its bytes)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } })
  @ZodResponse({ status: 200, type: CertificateTemplateEnvelopeDto })
  uploadSignature(@Ctx() ctx: RequestContext, @Param() p: CertificateCourseParamsDto, @Req() req: FastifyRequest) {
    return this.certs.uploadSignature(ctx, p.courseId, req);
  }

  @Delete('courses/:courseId/certificate-template/signature')
  @ApiOperation({ summary: 'Remove the signature image from the template' })
  @ZodResponse({ status: 200, type: CertificateTemplateEnvelopeDto })
  removeSignature(@Ctx() ctx: RequestContext, @Param() p: CertificateCourseParamsDto) {
    return this.certs.removeSignature(ctx, p.courseId);
  }

  @Get('courses/:courseId/certificate-template/preview')
  @ApiOperation({ summary: 'A watermarked sample PDF of the saved template, with the caller as the learner' })
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'the PDF', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } })
  async preview(@Ctx() ctx: RequestContext, @Param() p: CertificateCourseParamsDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const pdf = await this.certs.previewPdf(ctx, p.courseId);
    reply.header('content-type', 'application/pdf').header('content-disposition', 'inline; filename="certificate-preview.pdf"').header('cache-control', 'no-store');
    return pdf;
  }

  @Get('courses/:courseId/certificates')
  @ApiOperation({ summary: 'Certificates the course issued, newest first; course staff' })
  @ZodResponse({ status: 200, type: CertificatePageDto })
  listForCourse(@Ctx() ctx: RequestContext, @Param() p: CertificateCourseParamsDto, @Query() q: ListCertificatesQueryDto) {
    return this.certs.listForCourse(ctx, p.courseId, q);
  }

  @Get('me/certificates')
  @ApiOperation({ summary: 'My certificates, in every organization, newest first' })
  @ZodResponse({ status: 200, type: CertificatePageDto })
  listMine(@Ctx() ctx: RequestContext, @Query() q: ListCertificatesQueryDto) {
    return this.certs.listMine(ctx, q);
  }

  @Get('certificates/:certificateId')
  @ApiOperation({ summary: 'One certificate, with a download link for its PDF once rendered; its learner or the course staff' })
  @ZodResponse({ status: 200, type: CertificateDto })
  get(@Ctx() ctx: RequestContext, @Param() p: CertificateParamsDto) {
    return this.certs.get(ctx, p.certificateId);
  }

  @Get('certificates/:certificateId/credential')
  @ApiOperation({ summary: 'The certificate as an Open Badges 3.0 credential: the signed JWT-VC and the JSON-LD it carries' })
  @ZodResponse({ status: 200, type: OpenBadgeCredentialDto })
  credential(@Ctx() ctx: RequestContext, @Param() p: CertificateParamsDto) {
    return this.certs.credential(ctx, p.certificateId);
  }

  @Post('certificates/:certificateId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a certificate with a reason (course staff); verification then reports it revoked' })
  @ZodResponse({ status: 200, type: CertificateDto })
  revoke(@Ctx() ctx: RequestContext, @Param() p: CertificateParamsDto, @Body() body: RevokeCertificateDto) {
    return this.certs.revoke(ctx, p.certificateId, body.reason);
  }

  @Public()
  @RouteConfig(VERIFY_LIMIT)
  @Get('verify/:code')
  @ApiOperation({ summary: 'Public: a certificate by its id (LYC-XXXX-XXXX), valid or revoked, with the facts it shows; 404 when there is none' })
  @ZodResponse({ status: 200, type: PublicCertificateDto })
  verifyCode(@Param() p: VerifyParamsDto) {
    return this.verifier.byCode(p.code);
  }

  @Public()
  @RouteConfig(VERIFY_LIMIT)
  @Post('verify/credential')
  @HttpCode(200)
  @ApiOperation({
    summary: "Public: check an Open Badges credential (JWT-VC or its JSON) against the issuing organization's key, its validity and revocation",
    description: 'Answers 200 with `valid` and, when not, the `outcome` saying why.',
  })
  @ZodResponse({ status: 200, type: CredentialVerificationDto })
  verifyCredential(@Body() body: VerifyCredentialDto) {
    return this.verifier.verify(body.credential);
  }

  @Public()
  @RouteConfig(VERIFY_LIMIT)
  @Get('certificates/:certificateId/badge.svg')
  @ApiOperation({ summary: "Public: the Open Badges achievement image of a certificate (an SVG badge with the course title)" })
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({ description: 'the badge', content: { 'image/svg+xml': { schema: { type: 'string' } } } })
  async badge(@Param() p: CertificateParamsDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const svg = await this.verifier.badgeSvg(p.certificateId);
    void reply
      .header('content-type', 'image/svg+xml; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      // opened directly, the SVG may run nothing and load nothing
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    return svg;
  }

  @Public()
  @Get('issuers/:organizationId')
  @ApiOperation({ summary: 'Public: the Open Badges issuer profile of an organization that issues certificates' })
  @ZodResponse({ status: 200, type: IssuerProfileDto })
  issuer(@Param() p: IssuerParamsDto) {
    return this.verifier.issuerProfile(p.organizationId);
  }

  @Public()
  @Get('issuers/:organizationId/jwks')
  @ApiOperation({ summary: "Public: the organization's Ed25519 public key (JWKS) that verifies its credentials" })
  @ZodResponse({ status: 200, type: JwksDto })
  jwks(@Param() p: IssuerParamsDto) {
    return this.verifier.jwks(p.organizationId);
  }
}
