/** A postal party: ShipTo of a setup request, ShipTo and BillTo of an order (the cXML DTD's Address). */
export interface Address {
  addressID?: string
  name?: string
  street?: string[]
  city?: string
  postalCode?: string
  country?: string
  email?: string
  phone?: string
}
