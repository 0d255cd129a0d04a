import { Body, Controller, Delete, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, Public, type RequestContext } from '../../../kernel/auth/index.js';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { AddCartItemDto, CartDto, CartItemParamsDto } from './cart.dto.js';
import { type CartOwner, CartService } from './cart.service.js';
import { GUEST_CART_COOKIE, readCookie, setCookie } from './cookies.js';

const GUEST_MAX_AGE = 30 * 24 * 3600;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@ApiTags('cart')
@Controller('cart')
export class CartController {
  constructor(
    private readonly cart: CartService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The caller's cart owner. A signed-in caller who still carries a guest cart cookie gets that
   * cart merged into theirs, and the cookie cleared. A guest without a cookie gets one when `create`.
   */
  private async owner(ctx: RequestContext, req: FastifyRequest, reply: FastifyReply, create: boolean): Promise<CartOwner> {
    const raw = readCookie(req, GUEST_CART_COOKIE);
    const guestId = raw && UUID_RE.test(raw) ? raw : null;
    const secure = this.config.publicUrl.startsWith('https:');
    if (ctx.actor) {
      if (guestId) {
        await this.cart.merge(ctx, ctx.actor.userId, guestId);
        setCookie(reply, GUEST_CART_COOKIE, '', 0, secure);
      }
      return { userId: ctx.actor.userId, guestId: null };
    }
    if (guestId || !create) return { userId: null, guestId };
    const fresh = this.cart.newGuestId();
    setCookie(reply, GUEST_CART_COOKIE, fresh, GUEST_MAX_AGE, secure);
    return { userId: null, guestId: fresh };
  }

  @Public()
  @Get()
  @ApiOperation({ summary: "The caller's cart (a guest's by the lyceum_cart cookie); signing in merges the guest cart into the user's" })
  @ZodResponse({ status: 200, type: CartDto })
  async get(@Ctx() ctx: RequestContext, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.cart.view(ctx, await this.owner(ctx, req, reply, false));
  }

  @Public()
  @Post('items')
  @ApiOperation({ summary: 'Add a course or a bundle; 409 when it is owned already, already in the cart, or of another organization than the cart' })
  @ZodResponse({ status: 201, type: CartDto })
  async add(@Ctx() ctx: RequestContext, @Body() body: AddCartItemDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const owner = await this.owner(ctx, req, reply, true);
    await this.cart.add(ctx, owner, body.kind, body.refId);
    return this.cart.view(ctx, owner);
  }

  @Public()
  @Delete('items/:itemId')
  @ApiOperation({ summary: 'Remove an item from the cart' })
  @ZodResponse({ status: 200, type: CartDto })
  async remove(@Ctx() ctx: RequestContext, @Param() p: CartItemParamsDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const owner = await this.owner(ctx, req, reply, false);
    await this.cart.remove(owner, p.itemId);
    return this.cart.view(ctx, owner);
  }
}
