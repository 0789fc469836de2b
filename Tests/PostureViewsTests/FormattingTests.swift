import Foundation
import XCTest
@testable import PostureViews

/// The hand-rolled formatters must print exactly what the Foundation ones they replace print.
final class FormattingTests: XCTestCase {
    func testFixedMatchesPrintfIncludingTiesAndNegatives() {
        var rng = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 0.05, 0.15, 0.25, 0.35, 0.45, 2.5, 3.5, -2.5, 72.25, 72.35, 99.95, 99.949999, 100, 0.04, -0.04,
                                1e-9, 123456.75, 0.5, 1.5, -1.5, 9.95, 9.949999999999999, 1023.5]
        for i in 0..<2000 { values.append(Double(i) / 40); values.append(Double(i) / 100) }
        for _ in 0..<20_000 { values.append(Double.random(in: -1000...1000, using: &rng)) }
        for _ in 0..<2_000 { values.append(Double(Int.random(in: -100_000...100_000, using: &rng)) / 8) }
        for v in values {
            for decimals in 0...3 {
                XCTAssertEqual(Fmt.fixed(v, decimals), String(format: "%.\(decimals)f", v), "value \(v), \(decimals) decimals")
            }
        }
    }

    func testTimeAndDayMatchCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var rng = SystemRandomNumberGenerator()
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: 951_782_400),
                     Date(timeIntervalSince1970: 4_107_542_399.999), Date(timeIntervalSinceReferenceDate: 0)]
        for _ in 0..<5_000 { dates.append(Date(timeIntervalSince1970: Double.random(in: -2_000_000_000...5_000_000_000, using: &rng))) }
        for d in dates {
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: d)
            XCTAssertEqual(Fmt.time(d), String(format: "%04d-%02d-%02d %02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!), "\(d.timeIntervalSince1970)")
            XCTAssertEqual(Fmt.day(d), String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!))
            XCTAssertEqual(Fmt.utcFields(d).second, c.second!)
        }
    }

    func testBytes() {
        XCTAssertEqual(Fmt.bytes(512), "512 B")
        XCTAssertEqual(Fmt.bytes(1536), "1.5 KiB")
        XCTAssertEqual(Fmt.bytes(10 * 1024 + 512), "10 KiB")
        XCTAssertEqual(Fmt.bytes(5 * 1024 * 1024 * 1024), "5.0 GiB")
    }

    func testCount() {
        XCTAssertEqual(Fmt.count(0), "0")
        XCTAssertEqual(Fmt.count(999), "999")
        XCTAssertEqual(Fmt.count(1000), "1,000")
        XCTAssertEqual(Fmt.count(629_697), "629,697")
        XCTAssertEqual(Fmt.count(-1_234_567), "-1,234,567")
    }
}
