// The State Council's yearly holiday notices (国务院办公厅关于YYYY年部分节假日安排的通知) as data: per year,
// the days off each notice announces (holidays with the weekend days and swapped days around them) and the
// weekend days it makes working days (调休上班). Civil Code art. 203 reads it through domain/dates.ts
// (`isWorkingDay`, `lastDayByArt203`). A new notice is a new entry here, copied from the notice itself; a
// year without an entry is counted by weekends only and the answer says its calendar is not loaded.
// Data only (type imports): dates.ts imports this module, so this one must not import dates.ts at run time.
import type { IsoDate } from './dates';

export interface HolidayPeriod {
  /** `国庆节` — as the notice names it. */
  name: string;
  /** First and last day off, both inclusive (`放假` or `放假调休` in the notice). */
  from: IsoDate;
  to: IsoDate;
}

export interface HolidayYear {
  year: number;
  /** The notice (and any later notice that changed it), with its date and where it is published. */
  notice: string;
  /** The days off the notice announces. A period may start in the year before (2023's New Year). */
  periods: readonly HolidayPeriod[];
  /** Saturdays and Sundays that are working days (调休上班). */
  workingWeekends: readonly IsoDate[];
}

export type HolidayCalendar = readonly HolidayYear[];

/** 2020–2026, as published. Checked by tests/unit/holidays.test.ts (weekdays, counts, no overlaps). */
export const HOLIDAY_CALENDAR: HolidayCalendar = [
  {
    year: 2020,
    notice:
      '国务院办公厅关于2020年部分节假日安排的通知（2019-11-21，http://www.gov.cn/zhengce/content/2019-11/21/content_5454164.htm）；' +
      '国务院办公厅关于延长2020年春节假期的通知（2020-01-27，http://www.gov.cn/zhengce/content/2020-01/27/content_5472352.htm：春节假期延长至2月2日，2月1日不再上班）',
    periods: [
      { name: '元旦', from: '2020-01-01', to: '2020-01-01' },
      { name: '春节', from: '2020-01-24', to: '2020-02-02' },
      { name: '清明节', from: '2020-04-04', to: '2020-04-06' },
      { name: '劳动节', from: '2020-05-01', to: '2020-05-05' },
      { name: '端午节', from: '2020-06-25', to: '2020-06-27' },
      { name: '国庆节、中秋节', from: '2020-10-01', to: '2020-10-08' },
    ],
    workingWeekends: ['2020-01-19', '2020-04-26', '2020-05-09', '2020-06-28', '2020-09-27', '2020-10-10'],
  },
  {
    year: 2021,
    notice: '国务院办公厅关于2021年部分节假日安排的通知（2020-11-25，http://www.gov.cn/zhengce/content/2020-11/25/content_5564127.htm）',
    periods: [
      { name: '元旦', from: '2021-01-01', to: '2021-01-03' },
      { name: '春节', from: '2021-02-11', to: '2021-02-17' },
      { name: '清明节', from: '2021-04-03', to: '2021-04-05' },
      { name: '劳动节', from: '2021-05-01', to: '2021-05-05' },
      { name: '端午节', from: '2021-06-12', to: '2021-06-14' },
      { name: '中秋节', from: '2021-09-19', to: '2021-09-21' },
      { name: '国庆节', from: '2021-10-01', to: '2021-10-07' },
    ],
    workingWeekends: ['2021-02-07', '2021-02-20', '2021-04-25', '2021-05-08', '2021-09-18', '2021-09-26', '2021-10-09'],
  },
  {
    year: 2022,
    notice: '国务院办公厅关于2022年部分节假日安排的通知（2021-10-25，http://www.gov.cn/zhengce/content/2021-10/25/content_5644835.htm）',
    periods: [
      { name: '元旦', from: '2022-01-01', to: '2022-01-03' },
      { name: '春节', from: '2022-01-31', to: '2022-02-06' },
      { name: '清明节', from: '2022-04-03', to: '2022-04-05' },
      { name: '劳动节', from: '2022-04-30', to: '2022-05-04' },
      { name: '端午节', from: '2022-06-03', to: '2022-06-05' },
      { name: '中秋节', from: '2022-09-10', to: '2022-09-12' },
      { name: '国庆节', from: '2022-10-01', to: '2022-10-07' },
    ],
    workingWeekends: ['2022-01-29', '2022-01-30', '2022-04-02', '2022-04-24', '2022-05-07', '2022-10-08', '2022-10-09'],
  },
  {
    year: 2023,
    notice: '国务院办公厅关于2023年部分节假日安排的通知（2022-12-08，http://www.gov.cn/zhengce/content/2022-12/08/content_5730844.htm）',
    periods: [
      { name: '元旦', from: '2022-12-31', to: '2023-01-02' },
      { name: '春节', from: '2023-01-21', to: '2023-01-27' },
      { name: '清明节', from: '2023-04-05', to: '2023-04-05' },
      { name: '劳动节', from: '2023-04-29', to: '2023-05-03' },
      { name: '端午节', from: '2023-06-22', to: '2023-06-24' },
      { name: '中秋节、国庆节', from: '2023-09-29', to: '2023-10-06' },
    ],
    workingWeekends: ['2023-01-28', '2023-01-29', '2023-04-23', '2023-05-06', '2023-06-25', '2023-10-07', '2023-10-08'],
  },
  {
    year: 2024,
    notice: '国务院办公厅关于2024年部分节假日安排的通知（2023-10-25，https://www.gov.cn/zhengce/content/202310/content_6911527.htm）',
    periods: [
      // 元旦、端午节: "放假，与周末连休" — the weekend days are rest days anyway.
      { name: '元旦', from: '2024-01-01', to: '2024-01-01' },
      { name: '春节', from: '2024-02-10', to: '2024-02-17' },
      { name: '清明节', from: '2024-04-04', to: '2024-04-06' },
      { name: '劳动节', from: '2024-05-01', to: '2024-05-05' },
      { name: '端午节', from: '2024-06-10', to: '2024-06-10' },
      { name: '中秋节', from: '2024-09-15', to: '2024-09-17' },
      { name: '国庆节', from: '2024-10-01', to: '2024-10-07' },
    ],
    workingWeekends: ['2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12'],
  },
  {
    year: 2025,
    notice: '国务院办公厅关于2025年部分节假日安排的通知（2024-11-12，https://www.gov.cn/zhengce/content/202411/content_6986382.htm）',
    periods: [
      { name: '元旦', from: '2025-01-01', to: '2025-01-01' },
      { name: '春节', from: '2025-01-28', to: '2025-02-04' },
      { name: '清明节', from: '2025-04-04', to: '2025-04-06' },
      { name: '劳动节', from: '2025-05-01', to: '2025-05-05' },
      { name: '端午节', from: '2025-05-31', to: '2025-06-02' },
      { name: '国庆节、中秋节', from: '2025-10-01', to: '2025-10-08' },
    ],
    workingWeekends: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  {
    year: 2026,
    notice: '国务院办公厅关于2026年部分节假日安排的通知（2025-11-04，https://www.gov.cn/zhengce/content/202511/content_7047090.htm）',
    periods: [
      { name: '元旦', from: '2026-01-01', to: '2026-01-03' },
      { name: '春节', from: '2026-02-15', to: '2026-02-23' },
      { name: '清明节', from: '2026-04-04', to: '2026-04-06' },
      { name: '劳动节', from: '2026-05-01', to: '2026-05-05' },
      { name: '端午节', from: '2026-06-19', to: '2026-06-21' },
      { name: '中秋节', from: '2026-09-25', to: '2026-09-27' },
      { name: '国庆节', from: '2026-10-01', to: '2026-10-07' },
    ],
    workingWeekends: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
];
