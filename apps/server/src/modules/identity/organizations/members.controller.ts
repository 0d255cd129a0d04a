import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import { AccessService } from '../access/access.service.js';
import { ChangeRoleDto, ListMembersQueryDto, MemberDto, MemberPageDto, MemberParamsDto } from './members.dto.js';
import { MembersService } from './members.service.js';
import { OrgParamsDto } from './organizations.dto.js';

@ApiTags('organizations')
@Controller('organizations/:id')
export class MembersController {
  constructor(
    private readonly access: AccessService,
    private readonly members: MembersService,
  ) {}

  @Get('members')
  @ApiOperation({ summary: 'Members, searchable by name or email (needs member.read)' })
  @ZodResponse({ status: 200, type: MemberPageDto })
  async list(@Ctx() ctx: RequestContext, @Param() p: OrgParamsDto, @Query() q: ListMembersQueryDto) {
    const org = await this.access.requireMember(ctx, p.id, 'member.read');
    return this.members.list(org, q);
  }

  @Patch('members/:userId')
  @ApiOperation({
    summary: "Change a member's role (needs member.update_role)",
    description: 'Not your own; only owners grant or take away owner; the last owner keeps it; non-owners only grant roles within their own permissions.',
  })
  @ZodResponse({ status: 200, type: MemberDto })
  async changeRole(@Ctx() ctx: RequestContext, @Param() p: MemberParamsDto, @Body() body: ChangeRoleDto) {
    const org = await this.access.requireMember(ctx, p.id, 'member.update_role');
    return this.members.changeRole(org, p.userId, body.role);
  }

  @Delete('members/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member (needs member.remove; owners only by owners; never the last owner)' })
  @ApiNoContentResponse()
  async remove(@Ctx() ctx: RequestContext, @Param() p: MemberParamsDto): Promise<void> {
    const org = await this.access.requireMember(ctx, p.id, 'member.remove');
    await this.members.remove(org, p.userId);
  }

  @Post('leave')
  @HttpCode(204)
  @ApiOperation({ summary: 'Leave the organization (the last owner cannot)' })
  @ApiNoContentResponse()
  async leave(@Ctx() ctx: RequestContext, @Param() p: OrgParamsDto): Promise<void> {
    const org = await this.access.requireMember(ctx, p.id);
    await this.members.leave(org);
  }
}
