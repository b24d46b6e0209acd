import { maskIdNumber, maskName, maskNumber, maskPhone } from '../../domain/masking';

describe('masking for parents’ views', () => {
  it.each([
    ['王芳', '王*'],
    ['李安然', '李*然'],
    ['欧阳娜娜', '欧**娜'],
    ['买买提·艾力', '买****力'],
    ['𠀾明', '𠀾*'],
    ['王', '*'],
    ['', ''],
  ])('when the name is %j, then it shows %j', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it('when an ID is masked, then the first 4 and last 4 stay, including a final X', () => {
    expect(maskIdNumber('370102199001011234')).toBe('3701**********1234');
    expect(maskIdNumber('11010519491231002X')).toBe('1101**********002X');
  });

  it('when a phone is masked, then 138****8000', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
  });

  it('when a result number is masked, then the first 2 and last 4 stay', () => {
    expect(maskNumber('Q370123456')).toBe('Q3****3456');
    expect(maskNumber('EMS1234567890CN', 3, 4)).toBe('EMS********90CN');
  });

  it('when a value is too short to keep both ends, then at least a third is still hidden', () => {
    expect(maskNumber('123456')).toBe('12**56');
    expect(maskNumber('1234')).toBe('1**4');
    expect(maskPhone('8000')).toBe('8**0');
    expect(maskNumber('7')).toBe('*');
  });
});
