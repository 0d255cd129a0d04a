import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, Public, type RequestContext, requireUser } from '../../../kernel/auth/index.js';
import { AccessService } from '../access/access.service.js';
import {
  AcceptedInvitationDto,
  CreateInvitationDto,
  InvitationDto,
  InvitationPageDto,
  InvitationParamsDto,
  InvitationPreviewDto,
  InvitationTokenParamsDto,
  ListInvitationsQueryDto,
} from './invitations.dto.js';
import { InvitationsService } from './invitations.service.js';
import { OrgParamsDto } from './organizations.dto.js';

@ApiTags('organizations')
@Controller('organizations/:id/invitations')
export class OrganizationInvitationsController {
  constructor(
    private readonly access: AccessService,
    private readonly invitations: InvitationsService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Invite someone by email with a role (needs member.invite); the link is emailed' })
  @ZodResponse({ status: 201, type: InvitationDto })
  async create(@Ctx() ctx: RequestContext, @Param() p: OrgParamsDto, @Body() body: CreateInvitationDto) {
    return this.invitations.create(await this.access.requireMember(ctx, p.id, 'member.invite'), body);
  }

  @Get()
  @ApiOperation({ summary: 'Invitations of the organization, newest first (needs member.invite)' })
  @ZodResponse({ status: 200, type: InvitationPageDto })
  async list(@Ctx() ctx: RequestContext, @Param() p: OrgParamsDto, @Query() q: ListInvitationsQueryDto) {
    return this.invitations.list(await this.access.requireMember(ctx, p.id, 'member.invite'), q);
  }

  @Delete(':invitationId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a pending invitation (needs member.invite)' })
  @ApiNoContentResponse()
  async revoke(@Ctx() ctx: RequestContext, @Param() p: InvitationParamsDto): Promise<void> {
    await this.invitations.revoke(await this.access.requireMember(ctx, p.id, 'member.invite'), p.invitationId);
  }
}

@ApiTags('organizations')
@Controller('invitations/:token')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'What an invitation link offers: organization, role, status (no sign-in needed)' })
  @ZodResponse({ status: 200, type: InvitationPreviewDto })
  preview(@Param() p: InvitationTokenParamsDto) {
    return this.invitations.preview(p.token);
  }

  @Post('accept')
  @ApiOperation({ summary: 'Accept an invitation addressed to your email: you join with its role' })
  @ZodResponse({ status: 200, type: AcceptedInvitationDto })
  accept(@Ctx() ctx: RequestContext, @Param() p: InvitationTokenParamsDto) {
    return this.invitations.accept(requireUser(ctx), p.token);
  }
}
