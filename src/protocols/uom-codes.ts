/**
 * Units of measure a returned cart may carry (docs/identity-profiles.md, "Cart checks per buyer
 * system"): codes of UN/CEFACT Recommendation 20, Revision 17 (2021), "Codes for Units of Measure
 * Used in International Trade", and of Recommendation 21, Revision 12, "Codes for Passengers, Types
 * of Cargo, Packages and Packaging Materials" (a package code in a unit field is written with an
 * `X` before it: `XBX` box). Not the whole lists (Rec 20 alone has some 2000 codes, most of them for
 * science and engineering): the codes procurement systems use for goods and services, so an unusual
 * but valid code is reported as unknown and a customer may add it (`extraUnits`).
 *
 * `LEGACY_PACKAGE_UNITS` are the package codes older revisions of Rec 20 carried (BX, CS, PK…) and
 * that cXML buyer systems still send and accept (the cXML User's Guide shows `EA` and `BX`).
 */

/** Rec 20: counts, mass, length, area, volume, time, energy and the common packaging units. */
export const REC20_UNITS: readonly string[] = [
  // counts
  'C62', 'H87', 'EA', 'NAR', 'NPR', 'PR', 'SET', 'DZN', 'GRO', 'HD', 'TP', 'NMP', 'NPL', 'NPT', 'NRL', 'NBB', 'NCL', 'NV', 'LS',
  'ZZ', 'KT', 'AB', 'IE', 'LO', 'SA', 'SO', 'SR', 'ST',
  // services
  'E48', 'E49', 'E50', 'E51', 'E53', 'E54',
  // mass
  'KGM', 'GRM', 'MGM', 'MC', 'TNE', 'LBR', 'ONZ', 'STN', 'LTN', 'DTN', 'CWA', 'CWI', 'KTN', 'APZ',
  // length
  'MTR', 'CMT', 'MMT', 'DMT', 'KMT', 'INH', 'FOT', 'YRD', 'SMI', 'NMI', 'LM',
  // area
  'MTK', 'CMK', 'MMK', 'DMK', 'KMK', 'HAR', 'ARE', 'INK', 'FTK', 'YDK', 'MIK', 'ACR',
  // volume
  'MTQ', 'LTR', 'MLT', 'CLT', 'DLT', 'HLT', 'CMQ', 'MMQ', 'DMQ', 'INQ', 'FTQ', 'YDQ', 'GLL', 'GLI', 'QT', 'QTI', 'PT', 'PTI', 'OZA', 'OZI', 'BLL',
  // time
  'SEC', 'MIN', 'HUR', 'DAY', 'WEE', 'MON', 'ANN', 'QAN', 'SAN',
  // energy, power, electricity, data
  'KWH', 'MWH', 'GWH', 'WHR', 'KWT', 'WTT', 'MAW', 'KVA', 'AMP', 'VLT', 'JOU', 'KJO', '3B', 'E34', 'E35', 'E36', '4L', 'AD',
  // temperature and other measures seen in catalogs
  'CEL', 'FAH', 'KEL', 'P1', 'KMH', 'KNT',
  // packaging units carried by Rec 20 itself (the older package codes are LEGACY_PACKAGE_UNITS)
  'BG', 'BO', 'CA', 'CR', 'CY', 'DR', 'JR', 'PL', 'RL', 'TU', 'BE', 'BJ', 'BK', 'CQ', 'D97', 'KA', 'TN', 'VI', 'AY', 'BL', 'CL', 'CO',
  'DS', 'EV', 'PD',
]

/** Rec 21 package codes, as a unit (`X` + the two-character package code). */
export const REC21_UNITS: readonly string[] = [
  'XBX', 'XCT', 'XCS', 'XPK', 'XPA', 'XBG', 'XBO', 'XBA', 'XBE', 'XBJ', 'XBK', 'XCA', 'XCN', 'XCR', 'XCY', 'XDR', 'XJR', 'XPL', 'XPX',
  'XRL', 'XRO', 'XSA', 'XSH', 'XST', 'XTU', 'XTB', 'XVI', 'XAE', 'XBD', 'XCL', 'XEN', 'XPU', 'XSW', 'XTS', 'XNE', 'XPT', 'XRM', 'XCH', 'XSX',
]

/** Old Rec 20 package codes and long-standing cXML units: accepted by Ariba, Coupa and Jaggaer catalogs. */
export const LEGACY_PACKAGE_UNITS: readonly string[] = ['BX', 'CS', 'PK', 'PA', 'CT', 'RM', 'RO', 'SH', 'PCE']

/** Every code above, for membership tests (upper case). */
export const UN_CEFACT_UNITS: ReadonlySet<string> = new Set([...REC20_UNITS, ...REC21_UNITS, ...LEGACY_PACKAGE_UNITS])
