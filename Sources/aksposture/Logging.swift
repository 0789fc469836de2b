import Foundation
import PostureOutput

/// Records what a collection did, command by command, from the bundle's `collected.json`.
///
/// The manifest holds argument vectors (resource group, cluster and vault names, principal ids)
/// and one-line error texts the collector has already stripped of credentials; no command it
/// runs takes a token on its command line. Values are sanitized by the sink.
enum CollectionLog {
    static func record(bundle: URL, cluster: String, to log: LogSink) {
        let manifest = bundle.appendingPathComponent("collected.json")
        guard let data = try? Data(contentsOf: manifest),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let sources = object["sources"] as? [[String: Any]] else {
            log.warning("collect \(cluster): no readable collected.json in \(bundle.path)")
            return
        }
        var failed = 0
        for source in sources {
            let name = source["source"] as? String ?? "?"
            let state = source["state"] as? String ?? "?"
            let commands = (source["commands"] as? [[String]]) ?? [(source["command"] as? [String]) ?? []]
            let shown = commands.filter { !$0.isEmpty }.map { $0.joined(separator: " ") }.joined(separator: "; ")
            if state == "collected" {
                log.debug("collect \(cluster): \(name) collected: \(shown)")
            } else {
                failed += 1
                let error = (source["error"] as? String).map { ": \($0)" } ?? ""
                log.warning("collect \(cluster): \(name) \(state): \(shown)\(error)")
            }
            for (kind, error) in ((source["kindFailures"] as? [String: String]) ?? [:]).sorted(by: { $0.key < $1.key }) {
                log.warning("collect \(cluster): \(name) kind \(kind) failed: \(error)")
            }
            for (item, error) in ((source["itemFailures"] as? [String: String]) ?? [:]).sorted(by: { $0.key < $1.key }) {
                log.info("collect \(cluster): \(name) item \(item) failed: \(error)")
            }
        }
        log.info("collect \(cluster): \(sources.count - failed) of \(sources.count) sources collected")
    }
}
