/**
 * The storefront permission catalog: what a customer's role can be mapped to.
 * Fixed and documented (docs/identity-profiles.md, "Permission catalog"); storefronts receive the granted ones
 * in the identity assertion.
 */
export const PERMISSIONS = {
  browse: 'See the catalog and list prices.',
  view_contract_prices: "See the customer's contract prices.",
  add_to_cart: 'Add products to the cart.',
  return_cart: 'Return the cart to the procurement system.',
  order_over_spend_limit: "Return or order carts above the role's spend limit.",
  order_on_account: 'Order directly on the customer account, outside procurement.',
  view_invoices: 'See invoices of the customer.',
} as const

export type Permission = keyof typeof PERMISSIONS

export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as [Permission, ...Permission[]]

/** What a new customer's default role and a pending role grant until an admin maps it. */
export const DEFAULT_PERMISSIONS: Permission[] = ['browse', 'view_contract_prices', 'add_to_cart', 'return_cart']
