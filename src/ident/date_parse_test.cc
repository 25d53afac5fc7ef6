#include "ident/date_parse.h"

#include <gtest/gtest.h>

#include <string>

namespace ndc::ident {
namespace {

constexpr Date kApril5{2001, 4, 5};
constexpr const char* kFull = "yyyy-mm-dd, dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyymmdd";

Status ErrorOf(std::string_view text, DateFormat format) { return ParseDate(text, format).status(); }

TEST(ParseDate, EachFormatReadsItsShape) {
  EXPECT_EQ(*ParseDate("2001-04-05", DateFormat::kIso), kApril5);
  EXPECT_EQ(*ParseDate("05/04/2001", DateFormat::kDmySlash), kApril5);
  EXPECT_EQ(*ParseDate("5/4/2001", DateFormat::kDmySlashLenient), kApril5);
  EXPECT_EQ(*ParseDate("05/4/2001", DateFormat::kDmySlashLenient), kApril5);
  EXPECT_EQ(*ParseDate("05-04-2001", DateFormat::kDmyDash), kApril5);
  EXPECT_EQ(*ParseDate("05.04.2001", DateFormat::kDmyDot), kApril5);
  EXPECT_EQ(*ParseDate("20010405", DateFormat::kCompact), kApril5);
}

TEST(ParseDate, StrictSlashFormatWantsTwoDigits) {
  EXPECT_EQ(ErrorOf("5/4/2001", DateFormat::kDmySlash),
            InvalidArgumentError("date '5/4/2001' does not match format dd/mm/yyyy"));
}

TEST(ParseDate, WrongFormatIsNamed) {
  EXPECT_EQ(ErrorOf("2001-04-05", DateFormat::kDmySlash),
            InvalidArgumentError("date '2001-04-05' does not match format dd/mm/yyyy"));
  EXPECT_EQ(ErrorOf("05/04/2001", DateFormat::kIso),
            InvalidArgumentError("date '05/04/2001' does not match format yyyy-mm-dd"));
}

TEST(ParseDate, AutoReadsDayFirstAndIso) {
  EXPECT_EQ(*ParseDate("2001-04-05"), kApril5);
  EXPECT_EQ(*ParseDate("05/04/2001"), kApril5);
  EXPECT_EQ(*ParseDate("5/4/2001"), kApril5);
  EXPECT_EQ(*ParseDate("05-04-2001"), kApril5);
  EXPECT_EQ(*ParseDate("05.04.2001"), kApril5);
  EXPECT_EQ(*ParseDate("20010405"), kApril5);
}

TEST(ParseDate, AutoNeverReadsMonthFirst) {
  EXPECT_EQ(ErrorOf("04/13/2001", DateFormat::kAuto),
            InvalidArgumentError("date '04/13/2001' (read as d/m/yyyy): month 13 does not exist"));
}

TEST(ParseDate, AutoRejectsUnknownShapeListingFormats) {
  EXPECT_EQ(
      ErrorOf("2001/04/05", DateFormat::kAuto),
      InvalidArgumentError("date '2001/04/05' does not match any of the formats yyyy-mm-dd, dd/mm/yyyy, "
                           "d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyymmdd"));
  EXPECT_EQ(
      ErrorOf("April 5, 2001", DateFormat::kAuto),
      InvalidArgumentError(std::string("date 'April 5, 2001' does not match any of the formats ") + kFull));
}

TEST(ParseDate, DayMissingFromMonthIsNamed) {
  EXPECT_EQ(ErrorOf("31/04/2001", DateFormat::kDmySlash),
            InvalidArgumentError("date '31/04/2001': day 31 does not exist in April 2001"));
  EXPECT_EQ(
      ErrorOf("31/04/2001", DateFormat::kAuto),
      InvalidArgumentError("date '31/04/2001' (read as d/m/yyyy): day 31 does not exist in April 2001"));
}

TEST(ParseDate, LeapDays) {
  EXPECT_EQ(*ParseDate("29/02/2000", DateFormat::kDmySlash), (Date{2000, 2, 29}));
  EXPECT_EQ(*ParseDate("2024-02-29", DateFormat::kIso), (Date{2024, 2, 29}));
  EXPECT_EQ(ErrorOf("29/02/1900", DateFormat::kDmySlash),
            InvalidArgumentError("date '29/02/1900': day 29 does not exist in February 1900"));
  EXPECT_EQ(ErrorOf("2023-02-29", DateFormat::kIso),
            InvalidArgumentError("date '2023-02-29': day 29 does not exist in February 2023"));
}

TEST(ParseDate, ZeroPartsAreRejected) {
  EXPECT_EQ(ErrorOf("00/04/2001", DateFormat::kDmySlash),
            InvalidArgumentError("date '00/04/2001': day 0 does not exist"));
  EXPECT_EQ(ErrorOf("05/00/2001", DateFormat::kDmySlash),
            InvalidArgumentError("date '05/00/2001': month 0 does not exist"));
  EXPECT_EQ(ErrorOf("0000-01-01", DateFormat::kIso),
            InvalidArgumentError("date '0000-01-01': year 0 does not exist"));
}

TEST(ParseDate, PartialFormatIsRefused) {
  EXPECT_EQ(ErrorOf("1987", DateFormat::kYear),
            InvalidArgumentError("date format yyyy has no day; a full date is required"));
}

TEST(ParseDate, AutoDoesNotTakePartialShapes) {
  EXPECT_EQ(ErrorOf("1987", DateFormat::kAuto),
            InvalidArgumentError(std::string("date '1987' does not match any of the formats ") + kFull));
}

TEST(ParseDate, EmptyIsRejected) {
  EXPECT_EQ(ErrorOf("", DateFormat::kAuto), InvalidArgumentError("date is empty"));
  EXPECT_EQ(ErrorOf("", DateFormat::kIso), InvalidArgumentError("date is empty"));
}

TEST(ParseDate, SurroundingSpaceIsNotTrimmed) {
  EXPECT_EQ(ErrorOf(" 2001-04-05", DateFormat::kIso),
            InvalidArgumentError("date ' 2001-04-05' does not match format yyyy-mm-dd"));
}

TEST(ParseDate, FullWidthDigitsAreRejected) {
  EXPECT_EQ(ErrorOf("\xEF\xBC\x90\xEF\xBC\x95/04/2001", DateFormat::kDmySlash),  // "０５/04/2001"
            InvalidArgumentError("date '\xEF\xBC\x90\xEF\xBC\x95/04/2001' does not match format dd/mm/yyyy"));
}

TEST(ParseDate, EmbeddedNulIsEscaped) {
  EXPECT_EQ(ErrorOf(std::string("2001-04-05\0", 11), DateFormat::kIso),
            InvalidArgumentError("date '2001-04-05\\x00' does not match format yyyy-mm-dd"));
}

TEST(ParseDate, VeryLongInputIsCutInMessage) {
  EXPECT_EQ(ErrorOf(std::string(100000, '1'), DateFormat::kIso),
            InvalidArgumentError("date '" + std::string(40, '1') + "...' does not match format yyyy-mm-dd"));
}

TEST(ParseDate, SignsAndSpacesInsideNumbersAreRejected) {
  EXPECT_FALSE(ParseDate("+5/4/2001", DateFormat::kDmySlashLenient).ok());
  EXPECT_FALSE(ParseDate("5/ 4/2001", DateFormat::kDmySlashLenient).ok());
  EXPECT_FALSE(ParseDate("5/4/20011", DateFormat::kDmySlashLenient).ok());
  EXPECT_FALSE(ParseDate("123/4/2001", DateFormat::kDmySlashLenient).ok());
}

TEST(DateFormatName, RoundTripsEveryFormat) {
  for (const char* name : {"yyyy-mm-dd", "dd/mm/yyyy", "d/m/yyyy", "dd-mm-yyyy", "dd.mm.yyyy", "yyyymmdd",
                           "yyyy", "mm/yyyy", "yyyy-mm", "auto"}) {
    const Result<DateFormat> format = ParseDateFormatName(name);
    ASSERT_TRUE(format.ok()) << name;
    EXPECT_EQ(DateFormatName(*format), name);
  }
}

TEST(DateFormatName, UnknownNameListsChoices) {
  EXPECT_EQ(ParseDateFormatName("mm/dd/yyyy").status(),
            InvalidArgumentError("unknown date format 'mm/dd/yyyy'; expected one of yyyy-mm-dd, dd/mm/yyyy, "
                                 "d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyymmdd, yyyy, mm/yyyy, yyyy-mm, auto"));
}

TEST(ParsePartialDate, PartialFormats) {
  EXPECT_EQ(*ParsePartialDate("1987", DateFormat::kYear), (PartialDate{1987, 0, 0, DatePrecision::kYear}));
  EXPECT_EQ(*ParsePartialDate("03/1987", DateFormat::kMonthYear),
            (PartialDate{1987, 3, 0, DatePrecision::kMonth}));
  EXPECT_EQ(*ParsePartialDate("3/1987", DateFormat::kMonthYear),
            (PartialDate{1987, 3, 0, DatePrecision::kMonth}));
  EXPECT_EQ(*ParsePartialDate("1987-03", DateFormat::kYearMonth),
            (PartialDate{1987, 3, 0, DatePrecision::kMonth}));
}

TEST(ParsePartialDate, AutoTakesEveryShape) {
  EXPECT_EQ(ParsePartialDate("1987")->precision, DatePrecision::kYear);
  EXPECT_EQ(ParsePartialDate("03/1987")->precision, DatePrecision::kMonth);
  EXPECT_EQ(ParsePartialDate("1987-03")->precision, DatePrecision::kMonth);
  EXPECT_EQ(*ParsePartialDate("02/03/1987"), (PartialDate{1987, 3, 2, DatePrecision::kDay}));
}

TEST(ParsePartialDate, ZeroMeansUnknown) {
  EXPECT_EQ(*ParsePartialDate("00/00/1987", DateFormat::kDmySlash),
            (PartialDate{1987, 0, 0, DatePrecision::kYear}));
  EXPECT_EQ(*ParsePartialDate("00/03/1987"), (PartialDate{1987, 3, 0, DatePrecision::kMonth}));
  EXPECT_EQ(*ParsePartialDate("1987-00", DateFormat::kYearMonth),
            (PartialDate{1987, 0, 0, DatePrecision::kYear}));
}

TEST(ParsePartialDate, ZeroMonthWithKnownDayIsRejected) {
  EXPECT_EQ(ParsePartialDate("05/00/1987", DateFormat::kDmySlash).status(),
            InvalidArgumentError("date '05/00/1987': month 0 (unknown) with a known day 5"));
}

TEST(ParsePartialDate, CalendarStillChecked) {
  EXPECT_EQ(ParsePartialDate("13/1987").status(),
            InvalidArgumentError("date '13/1987' (read as mm/yyyy): month 13 does not exist"));
  EXPECT_EQ(ParsePartialDate("0000").status(),
            InvalidArgumentError("date '0000' (read as yyyy): year 0 does not exist"));
  EXPECT_EQ(
      ParsePartialDate("30/02/1987").status(),
      InvalidArgumentError("date '30/02/1987' (read as d/m/yyyy): day 30 does not exist in February 1987"));
}

TEST(ParsePartialDate, AutoRejectsUnknownShapeListingAllFormats) {
  EXPECT_EQ(
      ParsePartialDate("87").status(),
      InvalidArgumentError("date '87' does not match any of the formats yyyy-mm-dd, dd/mm/yyyy, d/m/yyyy, "
                           "dd-mm-yyyy, dd.mm.yyyy, yyyymmdd, yyyy, mm/yyyy, yyyy-mm"));
}

TEST(PartialDate, RangeAndString) {
  const PartialDate year{1987, 0, 0, DatePrecision::kYear};
  const PartialDate month{2000, 2, 0, DatePrecision::kMonth};
  EXPECT_EQ(year.Earliest(), (Date{1987, 1, 1}));
  EXPECT_EQ(year.Latest(), (Date{1987, 12, 31}));
  EXPECT_EQ(month.Latest(), (Date{2000, 2, 29}));
  EXPECT_EQ(year.ToString(), "1987");
  EXPECT_EQ(month.ToString(), "2000-02");
  EXPECT_EQ((PartialDate{2000, 2, 3, DatePrecision::kDay}).ToString(), "2000-02-03");
}

TEST(PartialDate, BoundsUseOverlap) {
  const DateBounds bounds{{1880, 1, 1}, {2026, 1, 1}};
  EXPECT_TRUE(CheckDateBounds(PartialDate{2026, 0, 0, DatePrecision::kYear}, bounds).ok());
  EXPECT_TRUE(CheckDateBounds(PartialDate{1880, 0, 0, DatePrecision::kYear}, bounds).ok());
  EXPECT_EQ(CheckDateBounds(PartialDate{1870, 0, 0, DatePrecision::kYear}, bounds),
            InvalidArgumentError("date 1870 is before the earliest accepted date 1880-01-01"));
  EXPECT_EQ(CheckDateBounds(PartialDate{2030, 5, 0, DatePrecision::kMonth}, bounds),
            InvalidArgumentError("date 2030-05 is after the latest accepted date 2026-01-01"));
}

}  // namespace
}  // namespace ndc::ident
