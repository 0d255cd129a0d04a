import { Body, Controller, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext, requireUser } from '../../../kernel/auth/index.js';
import { AccessService } from '../access/access.service.js';
import {
  ActiveOrganizationDto,
  CreateOrganizationDto,
  MyOrganizationPageDto,
  MyOrganizationsQueryDto,
  OrganizationDto,
  OrgParamsDto,
  SetActiveOrganizationDto,
  UpdateOrganizationDto,
} from './organizations.dto.js';
import { OrganizationsService } from './organizations.service.js';

@ApiTags('organizations')
@Controller('organizations')
export class OrganizationsController {
  constructor(
    private readonly access: AccessService,
    private readonly organizations: OrganizationsService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an organization: you become its owner and it becomes your active one' })
  @ZodResponse({ status: 201, type: OrganizationDto })
  create(@Ctx() ctx: RequestContext, @Body() body: CreateOrganizationDto) {
    return this.organizations.create(requireUser(ctx), body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An organization you belong to, with your role and permissions in it' })
  @ZodResponse({ status: 200, type: OrganizationDto })
  async get(@Ctx() ctx: RequestContext, @Param() p: OrgParamsDto) {
    return this.organizations.get(await this.access.requireMember(ctx, p.id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename the organization or change its settings (needs organization.update)' })
  @ZodResponse({ status: 200, type: OrganizationDto })
  async update(@Ctx() ctx: RequestContext, @Param() p: OrgParamsDto, @Body() body: UpdateOrganizationDto) {
    return this.organizations.update(await this.access.requireMember(ctx, p.id, 'organization.update'), body);
  }
}

@ApiTags('organizations')
@Controller('me')
export class MyOrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get('organizations')
  @ApiOperation({ summary: 'The organizations you belong to' })
  @ZodResponse({ status: 200, type: MyOrganizationPageDto })
  list(@Ctx() ctx: RequestContext, @Query() q: MyOrganizationsQueryDto) {
    return this.organizations.listMine(requireUser(ctx), q);
  }

  @Put('active-organization')
  @ApiOperation({ summary: 'Switch your active organization (one you belong to), or clear it with null' })
  @ZodResponse({ status: 200, type: ActiveOrganizationDto })
  setActive(@Ctx() ctx: RequestContext, @Body() body: SetActiveOrganizationDto) {
    return this.organizations.switchActive(requireUser(ctx), body.organizationId);
  }
}
