import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import { readCsvRequest } from './bulk-csv.js';
import { BulkEnrollJson, BulkEnrollQueryDto, CourseParamsDto } from './enrollment.dto.js';
import { EnrollmentImportDto, EnrollmentImportPageDto, ImportParamsDto, ListImportsQueryDto } from './import.dto.js';
import { EnrollmentImportService } from './import.service.js';

@ApiTags('enrollments')
@Controller('courses/:courseId/enrollments/imports')
export class EnrollmentImportController {
  constructor(private readonly imports: EnrollmentImportService) {}

  @Post()
  @ApiOperation({
    summary: 'Start a background CSV enrollment import',
    description:
      'Same body and rules as `enrollments/bulk` (`text/csv` with options as query parameters, or JSON `{ csv, expiresAt?, cohortId? }`), but answers 202 at once with the queued import; a background job enrolls the rows in batches. Progress reaches the caller over Socket.IO as `enrollment.import` events (the import without `items`) and through GET on the import. A bad file is refused with 400 and nothing is stored.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'retrying with the same key answers the same import instead of starting a second one' })
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({
    schema: {
      oneOf: [{ type: 'string', description: 'the CSV itself (text/csv)' }, z.toJSONSchema(BulkEnrollJson) as object],
    },
  })
  @ZodResponse({ status: 202, type: EnrollmentImportDto })
  create(@Ctx() ctx: RequestContext, @Param() p: CourseParamsDto, @Query() q: BulkEnrollQueryDto, @Body() body: unknown) {
    const { rows, opts } = readCsvRequest(q, body);
    return this.imports.create(ctx, p.courseId, rows, opts);
  }

  @Get()
  @ApiOperation({ summary: "A course's CSV imports, newest first (without their report rows)" })
  @ZodResponse({ status: 200, type: EnrollmentImportPageDto })
  list(@Ctx() ctx: RequestContext, @Param() p: CourseParamsDto, @Query() q: ListImportsQueryDto) {
    return this.imports.list(ctx, p.courseId, q);
  }

  @Get(':importId')
  @ApiOperation({ summary: 'One CSV import: status, counts and a report row per CSV row done so far' })
  @ZodResponse({ status: 200, type: EnrollmentImportDto })
  get(@Ctx() ctx: RequestContext, @Param() p: ImportParamsDto) {
    return this.imports.get(ctx, p.courseId, p.importId);
  }
}
