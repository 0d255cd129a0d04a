import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import { OrgParamsDto } from '../organizations/organizations.dto.js';
import { AccessService } from './access.service.js';
import { CreateRoleDto, RoleDto, RoleListDto, RoleParamsDto, UpdateRoleDto } from './roles.dto.js';
import { RolesService } from './roles.service.js';

@ApiTags('access')
@Controller('organizations/:id/roles')
export class RolesController {
  constructor(
    private readonly access: AccessService,
    private readonly roles: RolesService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Built-in and custom roles of the organization (needs member.read)' })
  @ZodResponse({ status: 200, type: RoleListDto })
  async list(@Ctx() ctx: RequestContext, @Param() p: OrgParamsDto) {
    const org = await this.access.requireMember(ctx, p.id, 'member.read');
    return { items: await this.roles.list(org) };
  }

  @Post()
  @ApiOperation({ summary: 'Create a custom role (needs role.manage)' })
  @ZodResponse({ status: 201, type: RoleDto })
  async create(@Ctx() ctx: RequestContext, @Param() p: OrgParamsDto, @Body() body: CreateRoleDto) {
    const org = await this.access.requireMember(ctx, p.id, 'role.manage');
    return this.roles.create(org, body);
  }

  @Patch(':roleId')
  @ApiOperation({ summary: 'Rename a custom role or change its permissions (needs role.manage)' })
  @ZodResponse({ status: 200, type: RoleDto })
  async update(@Ctx() ctx: RequestContext, @Param() p: RoleParamsDto, @Body() body: UpdateRoleDto) {
    const org = await this.access.requireMember(ctx, p.id, 'role.manage');
    return this.roles.update(org, p.roleId, body);
  }

  @Delete(':roleId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a custom role nobody holds (needs role.manage); 409 role_in_use otherwise' })
  @ApiNoContentResponse()
  async remove(@Ctx() ctx: RequestContext, @Param() p: RoleParamsDto): Promise<void> {
    const org = await this.access.requireMember(ctx, p.id, 'role.manage');
    await this.roles.remove(org, p.roleId);
  }
}
