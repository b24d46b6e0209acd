// The family registration (生育登记, issue 18): what the parents declare before the birth, checked with the
// same field rules as a case's parents (domain/case.schemas.ts), and the registration's clock — when it
// lapses and when the parents are reminded. Pure module: the API validates with it, the workflow checks an
// amendment with it (on its own deterministic clock), the tests read it.
//
// Rules (plausible, stated once here):
// - married: `marriedOn` a real date, not in the future, not before the legal marriage age of either
//   spouse (Civil Code art. 1047: women 20, men 22, by the birth date in the ID number);
// - the father is required when married or when the child is to be registered in his household;
// - `childrenBefore` 0..19 (as declared; the health commission compares it with its own record);
// - `expectedMonth` YYYY-MM from this month to 10 months ahead (Asia/Shanghai); the mother 14–60 then;
// - `hospitalId` `H` and four digits.
import { z } from 'zod';
import { REGISTRATION_STATUSES, type RegistrationStatusKey } from './catalog';
import { PARENT_AGE_LIMITS, parentFieldChecks } from './case.schemas';
import { addMonthsToYearMonth, ageInYears, compareIsoDates, daysInMonth, instantMs, isIsoDate, isYearMonth, shanghaiDate, toShanghaiIso } from './dates';
import { parseCitizenId } from './identity/citizen-id';

const { personName, citizenId, mobile, regionCode, missing: req, addIssue } = parentFieldChecks;
type Ctx = Parameters<typeof addIssue>[0];

/** Civil Code art. 1047: the minimum age of marriage. */
export const MARRIAGE_MIN_AGE = { mother: 20, father: 22 } as const;
/** How far ahead the expected delivery month may lie (a pregnancy is registered once known). */
export const EXPECTED_MONTH_MAX_AHEAD = 10;
export const CHILDREN_BEFORE_MAX = 19;
export const HOSPITAL_ID_PATTERN = /^H\d{4}$/;

/** The registration's settings: fixed when it starts. */
export interface RegistrationSettings {
  /** the registration lapses this many days after the end of the expected month (default 92) */
  expireAfterDays: number;
  /** the parents are reminded this many days before it lapses (default 14) */
  reminderLeadDays: number;
}
export const DEFAULT_REGISTRATION_SETTINGS: RegistrationSettings = { expireAfterDays: 92, reminderLeadDays: 14 };

export const RegistrationMother = z.strictObject({
  name: personName('母亲'), idNumber: citizenId('母亲'), phone: mobile('母亲'), hukouRegionCode: regionCode('母亲'),
}, req);
export const RegistrationFather = z.strictObject({
  name: personName('父亲'), idNumber: citizenId('父亲'), phone: mobile('父亲'), hukouRegionCode: regionCode('父亲'),
}, req);

const YEAR_MONTH_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])$';

/** A real calendar date, YYYY-MM-DD (a plain check: the same in the API and in the workflow's bundle). */
const isoDate = z.string(req).check(z.superRefine((value: string, ctx) => {
  if (!isIsoDate(value)) addIssue(ctx as Ctx, 'INVALID_DATE', '结婚登记日期应为真实日期，例如 2020-05-20');
})).meta({ format: 'date', example: '2020-05-20' });

export const Marriage = z.discriminatedUnion('married', [
  z.strictObject({ married: z.literal(true), marriedOn: isoDate }),
  z.strictObject({ married: z.literal(false) }),
], req).meta({ description: '已婚：{"married":true,"marriedOn":"YYYY-MM-DD"}（结婚登记日期）；未婚：{"married":false}' });

const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() : undefined);

/** The birth date in a parent's ID number, when the number is valid. */
function birthDateOf(value: unknown, role: 'mother' | 'father'): string | undefined {
  const id = str(at(value, role, 'idNumber'));
  const parsed = id === undefined ? undefined : parseCitizenId(id.toUpperCase());
  return parsed?.ok ? parsed.birthDate : undefined;
}

function fatherRules(value: unknown, ctx: Ctx): void {
  const father = at(value, 'father');
  const noFather = father === null || father === undefined;
  if (noFather && at(value, 'householdOf') === 'father') addIssue(ctx, 'FATHER_REQUIRED', '选择随父亲落户时，必须填写父亲信息', ['father']);
  if (noFather && at(value, 'marriage', 'married') === true) addIssue(ctx, 'MARRIED_WITHOUT_FATHER', '已婚请填写父亲信息；未填写父亲信息时，婚姻状况应为未婚', ['father']);
  const mother = str(at(value, 'mother', 'idNumber'))?.toUpperCase();
  if (!noFather && mother !== undefined && mother === str(at(value, 'father', 'idNumber'))?.toUpperCase()) {
    addIssue(ctx, 'SAME_PERSON', '父亲与母亲的身份证号码相同，请核对', ['father', 'idNumber']);
  }
}

function marriageAgeRules(value: unknown, ctx: Ctx): void {
  const marriedOn = str(at(value, 'marriage', 'marriedOn'));
  if (at(value, 'marriage', 'married') !== true || !isIsoDate(marriedOn)) return;
  for (const [role, who] of [['mother', '母亲'], ['father', '父亲']] as const) {
    const born = birthDateOf(value, role);
    if (born !== undefined && ageInYears(born, marriedOn) < MARRIAGE_MIN_AGE[role]) {
      addIssue(ctx, 'MARRIED_UNDER_AGE', `按身份证号码，${who}在结婚登记日期时未满法定婚龄（${MARRIAGE_MIN_AGE[role]}周岁），请核对结婚登记日期`, ['marriage', 'marriedOn']);
      return;
    }
  }
}

function motherAgeRule(value: unknown, ctx: Ctx): void {
  const month = str(at(value, 'expectedMonth'));
  const born = birthDateOf(value, 'mother');
  if (born === undefined || !isYearMonth(month)) return;
  const age = ageInYears(born, `${month}-01`);
  const { min, max } = PARENT_AGE_LIMITS.mother;
  if (age < min || age > max) {
    addIssue(ctx, 'MOTHER_AGE_IMPLAUSIBLE', `按身份证号码，母亲在预产期时${age < 0 ? '尚未出生' : `为${age}周岁`}，不在合理范围（${min}–${max}周岁），请核对`, ['mother', 'idNumber']);
  }
}

/** What the parents declare, with every check that needs no clock. */
export const FamilyRegistrationRequest = z.strictObject({
  mother: RegistrationMother,
  father: RegistrationFather.nullable().default(null),
  marriage: Marriage,
  childrenBefore: z.number(req).int().min(0).max(CHILDREN_BEFORE_MAX).meta({ description: '此前已生育的子女数（本次怀孕之前），0–19' }),
  expectedMonth: z.string(req).regex(new RegExp(YEAR_MONTH_PATTERN), '预产期应为年月，例如 2027-03').meta({ description: '预产期所在年月 YYYY-MM：本月至10个月后', example: '2027-03' }),
  hospitalId: z.string(req).regex(HOSPITAL_ID_PATTERN, '分娩医院代码应为H加4位数字').meta({ example: 'H0001' }),
  householdOf: z.enum(['mother', 'father'], req),
}, req).check(z.superRefine((value, ctx) => {
  fatherRules(value, ctx as Ctx);
  marriageAgeRules(value, ctx as Ctx);
  motherAgeRule(value, ctx as Ctx);
}, { when: () => true }));
export type FamilyRegistrationRequest = z.infer<typeof FamilyRegistrationRequest>;

/** The months a registration may name as expected, from `today`'s month on. */
export function expectedMonthWindow(today: string): { from: string; to: string } {
  const from = today.slice(0, 7);
  return { from, to: addMonthsToYearMonth(from, EXPECTED_MONTH_MAX_AHEAD) };
}

/** FamilyRegistrationRequest plus the rules that read the clock (`now`: ISO instant with offset). */
export function familyRegistrationRequestSchema(opts: { now: string }): typeof FamilyRegistrationRequest {
  const today = shanghaiDate(opts.now);
  const window = expectedMonthWindow(today);
  return FamilyRegistrationRequest.check(z.superRefine((value, ctx) => {
    const marriedOn = str(at(value, 'marriage', 'marriedOn'));
    if (at(value, 'marriage', 'married') === true && isIsoDate(marriedOn) && compareIsoDates(marriedOn, today) > 0) {
      addIssue(ctx as Ctx, 'MARRIED_IN_FUTURE', '结婚登记日期晚于今天，请核对', ['marriage', 'marriedOn']);
    }
    const month = str(at(value, 'expectedMonth'));
    if (isYearMonth(month) && (month < window.from || month > window.to)) {
      addIssue(ctx as Ctx, 'EXPECTED_MONTH_OUT_OF_RANGE', `预产期应在${window.from}至${window.to}之间`, ['expectedMonth']);
    }
  }, { when: () => true }));
}

/** When a registration lapses and when the parents hear of it first (epoch ms). */
export function registrationClock(expectedMonth: string, settings: RegistrationSettings): { expiresAtMs: number; remindAtMs: number } {
  const [year, month] = expectedMonth.split('-').map(Number) as [number, number];
  const endOfMonth = instantMs(`${expectedMonth}-${String(daysInMonth(year, month)).padStart(2, '0')}T23:59:59+08:00`);
  const expiresAtMs = endOfMonth + settings.expireAfterDays * 86_400_000;
  return { expiresAtMs, remindAtMs: expiresAtMs - settings.reminderLeadDays * 86_400_000 };
}

export const registrationExpiresAt = (expectedMonth: string, settings: RegistrationSettings): string =>
  toShanghaiIso(registrationClock(expectedMonth, settings).expiresAtMs);

/** The dotted paths whose values differ between two requests (an amendment's audit names these, never values). */
export function changedFields(before: FamilyRegistrationRequest, after: FamilyRegistrationRequest): string[] {
  const paths: string[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    const objects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object';
    if (!objects) {
      if (a !== b) paths.push(path);
      return;
    }
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
  };
  walk(before, after, '');
  return paths;
}

export const registrationStatusLabel = (status: RegistrationStatusKey): string => REGISTRATION_STATUSES[status].label;
