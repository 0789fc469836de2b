import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PostureModel
@testable import PostureOutput
import XCTest

final class JUnitReportTests: XCTestCase {
    func testCountsAndStructure() {
        let xml = JUnitReport.render(Fixtures.report(), snapshot: Fixtures.snapshot())
        XCTAssertTrue(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "))
        XCTAssertTrue(xml.contains("<testsuites name=\"aksposture rg-prod/aks-prod\" tests=\"12\" failures=\"5\" errors=\"0\" skipped=\"4\""), xml)
        XCTAssertTrue(xml.contains("<testsuite name=\"aksposture.AUTH\" tests=\"4\" failures=\"3\" errors=\"0\" skipped=\"0\""), xml)
        XCTAssertTrue(xml.contains("<testsuite name=\"aksposture.SEC\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\""), xml)
        XCTAssertTrue(xml.contains("<testcase classname=\"aksposture.AUTH\" name=\"AUTH-03 Title of AUTH-03\" time=\"0\"/>"))
        XCTAssertTrue(xml.contains("<failure message=\"partial (50% credit): Entra ID with Kubernetes RBAC (not Azure RBAC)\" type=\"high\">"))
        XCTAssertTrue(xml.contains("<skipped message=\"not collected: kubernetes.json not collected\"/>"))
        XCTAssertTrue(xml.contains("<skipped message=\"not applicable\"/>"))
        XCTAssertTrue(xml.contains("<skipped message=\"waived: migration in Q1 (platform-team, expires 2027-03-31)\"/>"))
        XCTAssertTrue(xml.contains("<property name=\"score\" value=\"62.5\"/>"))
        XCTAssertTrue(xml.contains("Remediation: kubectl delete clusterrolebinding &lt;name&gt;"))
        XCTAssertEqual(xml, JUnitReport.render(Fixtures.report(), snapshot: Fixtures.snapshot()))
    }

    func testHostileTextIsEscapedAndXMLLegal() throws {
        var report = Fixtures.report()
        // NUL and U+FFFE are illegal in XML 1.0; sanitize makes them visible placeholders.
        report.findings[1].summary = "nul\u{0}and\u{FFFE}end & <tag> \"q\""
        let xml = JUnitReport.render(report, snapshot: Fixtures.snapshot(name: Fixtures.hostile))
        for u in xml.unicodeScalars {
            XCTAssertTrue(XMLText.isLegal(u), "illegal scalar U+\(String(u.value, radix: 16)) in output")
            XCTAssertFalse(u.value == 0x1B || u.value == 0x202E)
        }
        XCTAssertTrue(xml.contains("&lt;b&gt;&amp;amp;&quot;q&quot;"), xml)

        let parser = XMLParser(data: Data(xml.utf8))
        let counter = ElementCounter()
        parser.delegate = counter
        XCTAssertTrue(parser.parse(), "not well-formed: \(String(describing: parser.parserError))")
        XCTAssertEqual(counter.counts["testcase"], 12)
        XCTAssertEqual(counter.counts["failure"], 5)
        XCTAssertEqual(counter.counts["skipped"], 4)
        XCTAssertEqual(counter.counts["testsuite"], 5)
    }

    func testXMLEscapeDropsIllegalScalars() {
        XCTAssertEqual(XMLText.escape("a\u{0}b\u{8}c\u{FFFF}d"), "abcd")
        XCTAssertEqual(XMLText.escape("line\nnext\ttab", attribute: true), "line&#10;next&#9;tab")
        XCTAssertEqual(XMLText.escape("line\nnext"), "line\nnext")
        XCTAssertEqual(XMLText.escape("<'&'>"), "&lt;&apos;&amp;&apos;&gt;")
    }

    func testJunitparserAgrees() throws {
        let script = #"""
        import json, sys
        from junitparser import JUnitXml, Failure, Skipped
        xml = JUnitXml.fromfile(sys.argv[1])
        suites = []
        for suite in xml:
            cases = list(suite)
            fail = sum(1 for c in cases if any(isinstance(r, Failure) for r in c.result))
            skip = sum(1 for c in cases if any(isinstance(r, Skipped) for r in c.result))
            suites.append({"name": suite.name, "tests": suite.tests, "failures": suite.failures, "skipped": suite.skipped,
                           "counted": [len(cases), fail, skip],
                           "names": [c.name for c in cases], "classnames": sorted({c.classname for c in cases}),
                           "messages": [r.message for c in cases for r in c.result]})
        print(json.dumps({"suites": suites, "tests": xml.tests, "failures": xml.failures, "skipped": xml.skipped}))
        """#
        let report = Fixtures.report()
        let doc = JUnitReport.render(report, snapshot: Fixtures.snapshot(name: Fixtures.hostile))
        let outcome = try PythonValidator.validate(script: script, document: doc, modules: ["junitparser"], pip: "junitparser", suffix: "xml")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let parsed = try jsonObject(outcome.stdout)
        XCTAssertEqual(parsed["tests"] as? Int, 12)
        XCTAssertEqual(parsed["failures"] as? Int, 5)
        XCTAssertEqual(parsed["skipped"] as? Int, 4)
        let suites = try XCTUnwrap(parsed["suites"] as? [[String: Any]])
        XCTAssertEqual(suites.map { $0["name"] as? String }, ["aksposture.AUTH", "aksposture.IDENT", "aksposture.NET", "aksposture.SEC", "aksposture.HARD"])
        for suite in suites {
            let counted = try XCTUnwrap(suite["counted"] as? [Int])
            XCTAssertEqual([suite["tests"] as? Int, suite["failures"] as? Int, suite["skipped"] as? Int], counted.map { $0 }, "\(suite)")
            XCTAssertEqual((suite["classnames"] as? [String])?.count, 1)
        }
        let auth = suites[0]
        XCTAssertEqual(auth["names"] as? [String], ["AUTH-01 Title of AUTH-01", "AUTH-02 Title of AUTH-02", "AUTH-03 Title of AUTH-03", "AUTH-06 Title of AUTH-06"])
        let messages = try XCTUnwrap(auth["messages"] as? [String])
        XCTAssertTrue(messages.contains { $0.contains("cluster-admin bound to User evil␛]52;c;Q0FOQVJZ␇|`x`<b>&amp;\"q\"") }, "\(messages)")
    }
}

private final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        counts[elementName, default: 0] += 1
    }
}
