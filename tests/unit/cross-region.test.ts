import fc from 'fast-check';
import { caseCreateRequestSchema, CaseCreateRequest, toValidationIssues, type ValidationIssue } from '../../domain/case.schemas';
import { placesOf, serviceChannel, serviceDestination } from '../../domain/cross-region';
import { SERVICE_KEYS } from '../../domain/catalog';
import { makeCitizenId } from '../../domain/identity/citizen-id';
import { PREFECTURES } from '../../domain/regions.data';

const NOW = '2026-11-21T09:00:00+08:00';

function application(motherRegion: string, fatherRegion: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    newborn: { sex: 'F', birthAt: '2026-11-20T08:30:00+08:00', birthWeightGrams: 3250, birthOrder: 1 },
    mother: { name: '王芳', idNumber: makeCitizenId('370102', '1994-05-06', 2), phone: '13800138000', hukouRegionCode: motherRegion, insurance: 'resident' },
    father: { name: '李强', idNumber: makeCitizenId('370103', '1992-01-01', 11), phone: '13900139000', hukouRegionCode: fatherRegion },
    married: true,
    householdOf: 'father',
    delivery: { method: 'pickup', recipient: 'mother' },
    consent: { signedBy: 'mother', signedAt: '2026-11-20T10:00:00+08:00' },
    ...extra,
  };
}

const parse = (body: unknown): CaseCreateRequest => CaseCreateRequest.parse(body);
function issuesOf(body: unknown, knownRegions = false): ValidationIssue[] {
  const r = caseCreateRequestSchema({ now: NOW, knownRegions }).safeParse(body);
  return r.success ? [] : toValidationIssues(r.error);
}
const codes = (issues: ValidationIssue[]) => issues.map((i) => `${i.path}:${i.code}`);
const INBOUND = { hospitalName: '青岛市妇女儿童医院', regionCode: '370212', certificateNumber: 'Q370212345' };

describe('placesOf', () => {
  it('when the whole family is in Jinan, then every part is handled locally and the child is insured in Jinan', () => {
    expect(placesOf(parse(application('370102', '370103')))).toEqual({
      householdRegion: '370103', householdChannel: 'local', insuredAt: 'jinan', insuranceChannel: 'local',
      cardChannel: 'local', inbound: false, birthChannel: 'local', birthRegion: null,
    });
  });

  it('when the child is registered with a father from Qingdao and nothing else is said, then household, insurance and card go in-province', () => {
    const p = placesOf(parse(application('370102', '370212')));
    expect(p).toMatchObject({ householdRegion: '370212', householdChannel: 'inProvince', insuredAt: 'household', insuranceChannel: 'inProvince', cardChannel: 'inProvince' });
  });

  it('when a Beijing household holds a Jinan residence permit, then the child is insured in Jinan by default and only the household crosses provinces', () => {
    const p = placesOf(parse(application('370102', '110105', { residencePermit: { holder: 'mother' } })));
    expect(p).toMatchObject({ householdChannel: 'crossProvince', insuredAt: 'jinan', insuranceChannel: 'local', cardChannel: 'local' });
  });

  it('when the household is in Jinan and the child was born in Qingdao, then it is inbound and the birth certificate comes in-province', () => {
    const p = placesOf(parse(application('370102', '370103', { bornElsewhere: INBOUND })));
    expect(p).toMatchObject({ inbound: true, birthChannel: 'inProvince', birthRegion: '370212', householdChannel: 'local' });
  });

  it('for any application, insurance and card share a channel, local when insured in Jinan, else the household’s', () => {
    const regions = Object.keys(PREFECTURES).map((p) => `${p}01`);
    fc.assert(fc.property(
      fc.constantFrom(...regions), fc.constantFrom(...regions), fc.constantFrom('mother', 'father'),
      fc.option(fc.constantFrom('jinan', 'household'), { nil: undefined }), fc.boolean(),
      (m, f, householdOf, insuredAt, permit) => {
        const app = { ...parse(application(m, f)), householdOf, ...(insuredAt ? { insuredAt } : {}), ...(permit ? { residencePermit: { holder: 'mother' as const } } : {}) } as CaseCreateRequest;
        const p = placesOf(app);
        expect(p.householdRegion).toBe(householdOf === 'father' ? f : m);
        expect(p.cardChannel).toBe(p.insuranceChannel);
        expect(p.insuranceChannel).toBe(p.insuredAt === 'jinan' ? 'local' : p.householdChannel);
        if (insuredAt) expect(p.insuredAt).toBe(insuredAt);
        else expect(p.insuredAt).toBe(p.householdChannel === 'local' || permit ? 'jinan' : 'household');
        expect(p.inbound).toBe(false);
        expect(p.birthChannel).toBe('local');
      },
    ));
  });
});

describe('the new application fields', () => {
  it('for any application without the new fields, it parses and the parsed value gains none of them (old inputs unchanged)', () => {
    const regions = Object.keys(PREFECTURES).map((p) => `${p}02`);
    fc.assert(fc.property(fc.constantFrom(...regions), fc.constantFrom(...regions), (m, f) => {
      const r = CaseCreateRequest.safeParse(application(m, f));
      expect(r.success).toBe(true);
      if (r.success) {
        expect(r.data).not.toHaveProperty('insuredAt');
        expect(r.data).not.toHaveProperty('residencePermit');
        expect(r.data).not.toHaveProperty('bornElsewhere');
      }
    }));
  });

  it('when a Qingdao household asks to be insured in Jinan without a residence permit, then RESIDENCE_PERMIT_REQUIRED says so in Chinese', () => {
    const issues = issuesOf(application('370102', '370212', { insuredAt: 'jinan' }));
    expect(codes(issues)).toEqual(['residencePermit:RESIDENCE_PERMIT_REQUIRED']);
    expect(issues[0]?.message).toContain('居住证');
  });

  it('when the same family names the mother’s residence permit, then it passes and is insured in Jinan', () => {
    expect(issuesOf(application('370102', '370212', { insuredAt: 'jinan', residencePermit: { holder: 'mother' } }))).toEqual([]);
  });

  it('when the permit holder is a father who is not named, then RESIDENCE_PERMIT_HOLDER_MISSING', () => {
    const body = { ...application('370212', '370103', { residencePermit: { holder: 'father' } }), father: null, householdOf: 'mother', married: false };
    expect(codes(issuesOf(body))).toEqual(['residencePermit.holder:RESIDENCE_PERMIT_HOLDER_MISSING']);
  });

  it('when an inbound child’s household is outside Jinan and the birth region is in Jinan, then both rules are reported at once', () => {
    const issues = issuesOf(application('370102', '370212', { bornElsewhere: { ...INBOUND, regionCode: '370112' } }));
    expect(codes(issues)).toEqual(['householdOf:INBOUND_HOUSEHOLD_NOT_JINAN', 'bornElsewhere.regionCode:BIRTH_REGION_JINAN']);
  });

  it('when the birth certificate number or hospital name is malformed, then each field says what is wrong', () => {
    const issues = issuesOf(application('370102', '370103', { bornElsewhere: { hospitalName: ' ', regionCode: '370200', certificateNumber: '12345' } }));
    expect(codes(issues)).toEqual([
      'bornElsewhere.hospitalName:REQUIRED', 'bornElsewhere.regionCode:REGION_INVALID', 'bornElsewhere.certificateNumber:INVALID_FORMAT',
    ]);
  });

  it('when a lower-case certificate number is sent, then it is stored upper-case', () => {
    const r = CaseCreateRequest.parse(application('370102', '370103', { bornElsewhere: { ...INBOUND, certificateNumber: 'q370212345' } }));
    expect(r.bornElsewhere?.certificateNumber).toBe('Q370212345');
  });

  it('when an unknown field is put inside a new object, then it is refused as for any other', () => {
    expect(codes(issuesOf(application('370102', '370103', { residencePermit: { holder: 'mother', number: 'x' } })))).toEqual(['residencePermit.number:UNKNOWN_FIELD']);
  });

  it('when the API asks for known regions, then a plausible code outside the GB/T 2260 table is REGION_UNKNOWN; the workflow’s parse (without the option) lets it pass as before', () => {
    const body = application('379901', '370103', { bornElsewhere: { ...INBOUND, regionCode: '129999' } });
    expect(issuesOf(body)).toEqual([]);
    const issues = issuesOf(body, true);
    expect(codes(issues)).toEqual(['mother.hukouRegionCode:REGION_UNKNOWN', 'bornElsewhere.regionCode:REGION_UNKNOWN']);
    expect(issues[0]?.message).toContain('379901');
  });
});

describe('serviceChannel and serviceDestination', () => {
  it('when a Beijing family insured at home files an inbound case from Qingdao, then each service names its channel and place', () => {
    const p = placesOf(parse(application('370102', '110105', { householdOf: 'mother', insuredAt: 'household' })));
    expect(serviceChannel(p, 'household')).toBe('local');
    expect(serviceChannel(p, 'familyRegistration')).toBe('local');
    const away = placesOf(parse(application('110105', '370103', { householdOf: 'mother', insuredAt: 'household' })));
    expect(SERVICE_KEYS.map((k) => [k, serviceChannel(away, k), serviceDestination(away, k)])).toEqual([
      ['familyRegistration', 'local', null], ['birthCertificate', 'local', null], ['vaccination', 'local', null],
      ['household', 'crossProvince', '110105'], ['medicalInsurance', 'crossProvince', '110105'], ['socialSecurityCard', 'crossProvince', '110105'],
    ]);
    const inbound = placesOf(parse(application('370102', '370103', { bornElsewhere: INBOUND })));
    expect(serviceChannel(inbound, 'birthCertificate')).toBe('inProvince');
    expect(serviceDestination(inbound, 'vaccination')).toBe('370212');
    expect(serviceDestination(inbound, 'household')).toBeNull();
  });
});
