/** The reference storefront's demo catalog (office and MRO supplies, UNSPSC-classified). */
export const DEMO_PRODUCTS = [
  { sku: 'PAP-A4-80', name: 'Copy paper A4, 80 g/m²', description: 'Ream of 500 sheets, bright white, FSC', listPrice: '5.49', contractPrice: '4.60', currency: 'EUR', unitOfMeasure: 'RM', unspsc: '14111507', manufacturerName: 'Navigator', manufacturerPartId: 'NAV-A4-80', leadTimeDays: 2 },
  { sku: 'PEN-BLU-12', name: 'Ballpoint pens, blue', description: 'Box of 12, medium tip', listPrice: '3.90', contractPrice: null, currency: 'EUR', unitOfMeasure: 'BX', unspsc: '44121704', manufacturerName: 'BIC', manufacturerPartId: '8373609', leadTimeDays: 2 },
  { sku: 'GLV-NIT-L', name: 'Nitrile gloves, size L', description: 'Powder-free, box of 100', listPrice: '12.80', contractPrice: '10.95', currency: 'EUR', unitOfMeasure: 'BX', unspsc: '46181504', manufacturerName: 'Ansell', manufacturerPartId: 'TF-250-L', leadTimeDays: 4 },
  { sku: 'CBL-CAT6-3M', name: 'Patch cable Cat 6, 3 m', description: 'S/FTP, grey, RJ45', listPrice: '4.25', contractPrice: null, currency: 'EUR', unitOfMeasure: 'EA', unspsc: '43202222', manufacturerName: 'Goobay', manufacturerPartId: '95487', leadTimeDays: 3 },
  { sku: 'SCR-M6-20', name: 'Hex screws M6 × 20', description: 'Stainless A2, DIN 933, pack of 100', listPrice: '0.0825', contractPrice: null, currency: 'EUR', unitOfMeasure: 'EA', unspsc: '31161500', manufacturerName: 'Würth', manufacturerPartId: '0093 6 20', leadTimeDays: 5 },
] as const
