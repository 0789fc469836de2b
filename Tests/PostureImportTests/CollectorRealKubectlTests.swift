import Foundation
@testable import PostureImport
import PostureModel
import XCTest

/// Runs the collector against the real `kubectl` binary, talking to a tiny fake API server on
/// 127.0.0.1 (a Python `http.server` answering discovery and List requests), so the bundle holds
/// what kubectl itself printed. `az` is still a stand-in.
final class CollectorRealKubectlTests: XCTestCase {
    static let serverScript = #"""
    import json, sys, http.server

    POD = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "standin-web-0", "namespace": "apps", "uid": "0b0e7f86-4a38-4c52-9a43-2a4bd3ad0a01",
                        "resourceVersion": "4711", "creationTimestamp": "2026-11-20T10:00:00Z",
                        "labels": {"app": "standin-web"}},
           "spec": {"containers": [{"name": "web", "image": "crtest.azurecr.io/web:1.0"}], "serviceAccountName": "web"},
           "status": {"phase": "Running"}}
    NAMESPACES = [{"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"name": n, "uid": "0b0e7f86-4a38-4c52-9a43-2a4bd3ad0b%02d" % i, "resourceVersion": "1",
                                "creationTimestamp": "2026-11-01T00:00:00Z"}, "status": {"phase": "Active"}}
                  for i, n in enumerate(["apps", "default", "kube-system"])]

    def res(name, kind, namespaced, verbs=("get", "list")):
        return {"name": name, "singularName": "", "namespaced": namespaced, "kind": kind, "verbs": list(verbs)}

    # Deliberately no secrets-store.csi.x-k8s.io group: kubectl must report that kind as unknown.
    GROUPS = {
        ("apps", "v1"): [res("deployments", "Deployment", True), res("replicasets", "ReplicaSet", True),
                         res("statefulsets", "StatefulSet", True), res("daemonsets", "DaemonSet", True)],
        ("batch", "v1"): [res("jobs", "Job", True), res("cronjobs", "CronJob", True)],
        ("networking.k8s.io", "v1"): [res("ingresses", "Ingress", True), res("networkpolicies", "NetworkPolicy", True)],
        ("rbac.authorization.k8s.io", "v1"): [res("roles", "Role", True), res("rolebindings", "RoleBinding", True),
                                              res("clusterroles", "ClusterRole", False),
                                              res("clusterrolebindings", "ClusterRoleBinding", False)],
    }
    CORE = [res("namespaces", "Namespace", False), res("serviceaccounts", "ServiceAccount", True),
            res("pods", "Pod", True), res("services", "Service", True), res("secrets", "Secret", True),
            res("configmaps", "ConfigMap", True)]
    LIST_ITEMS = {"pods": [POD], "namespaces": NAMESPACES}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send_json(self, obj, code=200):
            body = json.dumps(obj).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            path = self.path.split("?", 1)[0].rstrip("/")
            if path == "/api":
                return self.send_json({"kind": "APIVersions", "versions": ["v1"],
                                       "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]})
            if path == "/apis":
                return self.send_json({"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                    {"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v}],
                     "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v}} for (g, v) in GROUPS]})
            if path == "/api/v1":
                return self.send_json({"kind": "APIResourceList", "groupVersion": "v1", "resources": CORE})
            if path == "/version":
                return self.send_json({"major": "1", "minor": "34", "gitVersion": "v1.34.2"})
            parts = path.strip("/").split("/")
            if len(parts) == 3 and parts[0] == "apis" and (parts[1], parts[2]) in GROUPS:
                return self.send_json({"kind": "APIResourceList", "groupVersion": f"{parts[1]}/{parts[2]}",
                                       "resources": GROUPS[(parts[1], parts[2])]})
            resource = None
            if len(parts) == 3 and parts[:2] == ["api", "v1"]:
                resource = parts[2]
            elif len(parts) == 4 and parts[0] == "apis":
                resource = parts[3]
            if resource:
                return self.send_json({"kind": "List", "apiVersion": "v1", "metadata": {"resourceVersion": "4711"},
                                       "items": LIST_ITEMS.get(resource, [])})
            self.send_json({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404}, 404)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()
    """#

    func findExecutable(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for dir in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"] {
            let url = URL(fileURLWithPath: dir).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    func testRealKubectlOutputLandsInTheBundle() throws {
        guard let kubectl = findExecutable("kubectl") else {
            throw XCTSkip("kubectl is not installed (not on PATH, /usr/bin or /usr/local/bin); the real-kubectl collector test was skipped")
        }
        guard let python = findExecutable("python3") else {
            throw XCTSkip("python3 is not installed; the real-kubectl collector test needs it for the fake API server and was skipped")
        }
        let s = try CollectorStandIn()
        let script = s.root.appendingPathComponent("fake-apiserver.py")
        try Self.serverScript.write(to: script, atomically: true, encoding: .utf8)
        let portFile = s.root.appendingPathComponent("port")

        let server = Process()
        server.executableURL = python
        server.arguments = [script.path, portFile.path]
        server.standardInput = FileHandle.nullDevice
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }

        var port: String?
        for _ in 0..<200 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), !text.isEmpty { port = text; break }
            guard server.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let serverPort = try XCTUnwrap(port, "fake API server did not start")

        let kubeconfig = s.root.appendingPathComponent("kubeconfig")
        try """
        apiVersion: v1
        kind: Config
        clusters:
        - name: standin
          cluster:
            server: http://127.0.0.1:\(serverPort)
        contexts:
        - name: standin
          context:
            cluster: standin
            user: nobody
        current-context: standin
        users:
        - name: nobody
          user: {}

        """.write(to: kubeconfig, atomically: true, encoding: .utf8)

        // The real kubectl next to the az stand-in, and nothing else on PATH.
        let realBin = s.root.appendingPathComponent("bin-real")
        try FileManager.default.createDirectory(at: realBin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: realBin.appendingPathComponent("kubectl"), withDestinationURL: kubectl)
        var env = s.environment(path: [s.azBin, realBin], extra: ["KUBECONFIG": kubeconfig.path])
        env["KUBECACHEDIR"] = s.root.appendingPathComponent("kube-cache").path

        var collector = Collector(resourceGroup: "rg-test", clusterName: "aks-test", subscription: nil, environment: env)
        collector.commandTimeout = 60
        let info = try collector.collect(into: s.bundle, now: Date(timeIntervalSince1970: 1_795_914_000))

        let pods = try XCTUnwrap(try s.json("kubernetes/pods.json") as? [String: Any])
        XCTAssertEqual(pods["kind"] as? String, "List")
        let items = try XCTUnwrap(pods["items"] as? [[String: Any]])
        XCTAssertEqual(items.count, 1)
        XCTAssertEqual((items.first?["metadata"] as? [String: Any])?["name"] as? String, "standin-web-0")
        XCTAssertEqual(items.first?["kind"] as? String, "Pod")
        let namespaces = try XCTUnwrap(try s.json("kubernetes/namespaces.json") as? [String: Any])
        XCTAssertEqual((namespaces["items"] as? [Any])?.count, 3)
        let bindings = try XCTUnwrap(try s.json("kubernetes/clusterrolebindings.json") as? [String: Any])
        XCTAssertEqual((bindings["items"] as? [Any])?.count, 0)

        XCTAssertEqual(info.state(of: .kubernetes), .collected)
        let manifest = try XCTUnwrap(try s.json("collected.json") as? [String: Any])
        let kube = try XCTUnwrap((manifest["sources"] as? [[String: Any]])?.first { $0["source"] as? String == "kubernetes" })
        let failures = try XCTUnwrap(kube["kindFailures"] as? [String: String])
        XCTAssertEqual(Array(failures.keys), ["secretproviderclasses"], "\(failures)")
        XCTAssertTrue(failures["secretproviderclasses"]?.contains("secretproviderclasses") ?? false)
        XCTAssertTrue(info.toolVersions["kubectl"]?.hasPrefix("Client Version: v") ?? false, "\(info.toolVersions)")
    }
}
