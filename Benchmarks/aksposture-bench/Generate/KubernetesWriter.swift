import Foundation

/// Writes `kubernetes.json`: one `kubectl get … -A -o json` List in kubectl's layout
/// (4-space indentation, keys sorted, kinds in the order of the collector's command).
struct KubernetesWriter {
    let l: ClusterLayout
    let state: ChangeState
    /// collectedAt of snapshot 0; creation times lie before it.
    let t0: Date
    /// collectedAt of this snapshot.
    let now: Date
    let snapshotInterval: TimeInterval
    private(set) var w: JSONStreamWriter
    private(set) var objectCount = 0

    init(layout: ClusterLayout, state: ChangeState, t0: Date, now: Date, interval: TimeInterval, writer: JSONStreamWriter) {
        l = layout; self.state = state; self.t0 = t0; self.now = now; snapshotInterval = interval; w = writer
    }

    /// The resources of the collector's `kubectl get` command, in its order.
    static let resources = ["namespaces", "serviceaccounts", "pods", "deployments", "replicasets", "statefulsets", "daemonsets",
                            "jobs", "cronjobs", "services", "ingresses", "networkpolicies", "roles", "rolebindings", "clusterroles",
                            "clusterrolebindings", "secrets", "configmaps", "secretproviderclasses"]

    private mutating func writeResource(_ name: String) {
        switch name {
        case "namespaces": namespaces()
        case "serviceaccounts": serviceAccounts()
        case "pods": pods()
        case "deployments": deployments()
        case "replicasets": replicaSets()
        case "statefulsets": statefulSets()
        case "daemonsets": daemonSets()
        case "jobs": jobs()
        case "cronjobs": cronJobs()
        case "services": services()
        case "ingresses": ingresses()
        case "networkpolicies": networkPolicies()
        case "roles": roles()
        case "rolebindings": roleBindings()
        case "clusterroles": clusterRoles()
        case "clusterrolebindings": clusterRoleBindings()
        case "secrets": secrets()
        case "configmaps": configMaps()
        case "secretproviderclasses": secretProviderClasses()
        default: fatalError("unknown resource \(name)")
        }
    }

    /// `kubernetes.json`: every resource in one List (the writer given at init).
    mutating func write() {
        let writer = w
        writer.object {
            writer.field("apiVersion", "v1")
            writer.array("items") { for r in Self.resources { writeResource(r) } }
            writer.field("kind", "List")
            writer.object("metadata") { writer.field("resourceVersion", "") }
        }
    }

    /// `kubernetes/<resource>.json`: one List per resource, as `kubectl get <resource> -A -o json` prints.
    mutating func writeSplit(directory: String) throws -> Int {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var bytes = 0
        for r in Self.resources {
            let writer = try JSONStreamWriter(path: "\(directory)/\(r).json", indent: 4)
            w = writer
            writer.object {
                writer.field("apiVersion", "v1")
                writer.array("items") { writeResource(r) }
                writer.field("kind", "List")
                writer.object("metadata") { writer.field("resourceVersion", "") }
            }
            try writer.close()
            bytes += writer.bytesWritten
        }
        return bytes
    }

    // MARK: Shared pieces

    struct Owner { var apiVersion: String; var kind: String; var name: String; var uid: String }

    struct Meta {
        var name: String
        var namespace: String?
        var tag: Tag
        var index: Int
        var labels: [(String, String)] = []
        var annotations: [(String, String)] = []
        var generateName: String?
        var generation: Int?
        var owner: Owner?
        /// managedFields manager, nil for none.
        var manager: String?
        var managedPaths: [String] = []
        /// Overrides (pods: replacement generation decides uid and creation time).
        var uid: String?
        var created: String?
    }

    func uid(_ tag: Tag, _ i: Int, _ gen: Int = 0) -> String { var d = Draw(l.seed, tag, i, 0x10000 + gen); return d.uuid() }

    func createdAt(_ tag: Tag, _ i: Int) -> Date {
        var d = Draw(l.seed, tag, i, 0x20000)
        return t0.addingTimeInterval(-Double(3600 + d.below(400 * 86400)))
    }

    func resourceVersion(_ tag: Tag, _ i: Int) -> String {
        let at = state.changedAt(tag, i)
        if at == 0 {
            var d = Draw(l.seed, tag, i, 0x30000)
            return String(1_000_000 + d.below(9_000_000))
        }
        return String(20_000_000 + at * 200_000 + (Int(tag.rawValue) * 7919 + i) % 200_000)
    }

    /// A label or annotation that records the object's version, so a change is visible in content.
    func changeMarks(_ tag: Tag, _ i: Int) -> [(String, String)] {
        let v = state.version(tag, i)
        return v == 0 ? [] : [("bench.aksposture.dev/revision", String(v))]
    }

    func meta(_ m: Meta) {
        w.object("metadata") {
            var ann = m.annotations + changeMarks(m.tag, m.index)
            if !ann.isEmpty { ann.sort { $0.0 < $1.0 }; w.stringMap("annotations", ann) }
            w.field("creationTimestamp", m.created ?? rfc3339(createdAt(m.tag, m.index)))
            if let g = m.generateName { w.field("generateName", g) }
            if let g = m.generation { w.field("generation", g) }
            if !m.labels.isEmpty { w.stringMap("labels", m.labels.sorted { $0.0 < $1.0 }) }
            if let manager = m.manager { managedFields(manager, m) }
            w.field("name", m.name)
            if let ns = m.namespace { w.field("namespace", ns) }
            if let o = m.owner {
                w.array("ownerReferences") {
                    w.object {
                        w.field("apiVersion", o.apiVersion)
                        w.field("blockOwnerDeletion", true)
                        w.field("controller", true)
                        w.field("kind", o.kind)
                        w.field("name", o.name)
                        w.field("uid", o.uid)
                    }
                }
            }
            w.field("resourceVersion", resourceVersion(m.tag, m.index))
            w.field("uid", m.uid ?? uid(m.tag, m.index))
        }
    }

    private func managedFields(_ manager: String, _ m: Meta) {
        w.array("managedFields") {
            w.object {
                w.field("apiVersion", "v1")
                w.field("fieldsType", "FieldsV1")
                w.object("fieldsV1") {
                    w.object("f:metadata") {
                        if !m.labels.isEmpty {
                            w.object("f:labels") {
                                w.object(".") {}
                                for (k, _) in m.labels.sorted(by: { $0.0 < $1.0 }) { w.object("f:\(k)") {} }
                            }
                        }
                        if m.owner != nil {
                            w.object("f:ownerReferences") {
                                w.object(".") {}
                                w.object("k:{\"uid\":\"\(m.owner!.uid)\"}") {}
                            }
                        }
                    }
                    if !m.managedPaths.isEmpty {
                        w.object("f:spec") {
                            for p in m.managedPaths { w.object("f:\(p)") {} }
                        }
                    }
                }
                w.field("manager", manager)
                w.field("operation", "Update")
                w.field("time", rfc3339(createdAt(m.tag, m.index).addingTimeInterval(12)))
            }
        }
    }

    /// `kubectl.kubernetes.io/last-applied-configuration`: the applied manifest, minified.
    func lastApplied(_ body: (JSONStreamWriter) -> Void) -> (String, String) {
        let c = JSONStreamWriter(compact: ())
        body(c)
        return ("kubectl.kubernetes.io/last-applied-configuration", c.compactString + "\n")
    }

    private func sorted(_ pairs: [(String, String)]) -> [(String, String)] { pairs.sorted { $0.0 < $1.0 } }

    // MARK: Pod template

    func podSpec(_ p: WorkloadProfile, pod: (node: String, index: Int)?) {
        w.object("spec") {
            if let a = p.automountToken { w.field("automountServiceAccountToken", a) }
            w.array("containers") { for c in p.containers { container(c, p) } }
            w.field("dnsPolicy", p.hostNetwork ? "ClusterFirstWithHostNet" : "ClusterFirst")
            w.field("enableServiceLinks", true)
            if p.hostNetwork { w.field("hostNetwork", true) }
            if p.hostPID { w.field("hostPID", true) }
            if !p.initContainers.isEmpty { w.array("initContainers") { for c in p.initContainers { container(c, p) } } }
            if let pod { w.field("nodeName", pod.node) }
            if !p.system { w.object("nodeSelector") { w.field("kubernetes.io/os", "linux") } }
            if pod != nil { w.field("preemptionPolicy", "PreemptLowerPriority"); w.field("priority", p.system ? 2000001000 : 0) }
            if let pc = p.priorityClass { w.field("priorityClassName", pc) }
            w.field("restartPolicy", "Always")
            w.field("schedulerName", "default-scheduler")
            w.object("securityContext") {
                if p.podHardened {
                    w.field("fsGroup", 2000); w.field("runAsNonRoot", true); w.field("runAsUser", 10001)
                    w.object("seccompProfile") { w.field("type", "RuntimeDefault") }
                }
            }
            w.field("serviceAccount", p.serviceAccount)
            w.field("serviceAccountName", p.serviceAccount)
            w.field("terminationGracePeriodSeconds", 30)
            w.array("tolerations") {
                if p.system { w.object { w.field("effect", "NoSchedule"); w.field("key", "CriticalAddonsOnly"); w.field("operator", "Exists") } }
                if pod != nil {
                    for k in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
                        w.object { w.field("effect", "NoExecute"); w.field("key", k); w.field("operator", "Exists"); w.field("tolerationSeconds", 300) }
                    }
                }
            }
            if !p.volumes.isEmpty || (pod != nil && p.automountToken != false) {
                w.array("volumes") {
                    for v in p.volumes { volume(v.name, v.kind) }
                    if pod != nil, p.automountToken != false { apiAccessVolume("kube-api-access-\(p.apiAccessSuffix)") }
                }
            }
        }
    }

    private func container(_ c: WorkloadProfile.ContainerProfile, _ p: WorkloadProfile) {
        w.object {
            if !c.env.isEmpty {
                w.array("env") {
                    for (name, value) in c.env {
                        w.object {
                            w.field("name", name)
                            switch value {
                            case .literal(let s): w.field("value", s)
                            case .secretKey(let s, let k): w.object("valueFrom") { w.object("secretKeyRef") { w.field("key", k); w.field("name", s) } }
                            case .configMapKey(let cm, let k): w.object("valueFrom") { w.object("configMapKeyRef") { w.field("key", k); w.field("name", cm); w.field("optional", true) } }
                            case .field(let f): w.object("valueFrom") { w.object("fieldRef") { w.field("apiVersion", "v1"); w.field("fieldPath", f) } }
                            }
                        }
                    }
                }
            }
            if !c.envFromConfigMaps.isEmpty || !c.envFromSecrets.isEmpty {
                w.array("envFrom") {
                    for cm in c.envFromConfigMaps { w.object { w.object("configMapRef") { w.field("name", cm) } } }
                    for s in c.envFromSecrets { w.object { w.object("secretRef") { w.field("name", s) } } }
                }
            }
            w.field("image", c.image)
            w.field("imagePullPolicy", c.image.hasSuffix(":latest") || !c.image.contains(":") ? "Always" : "IfNotPresent")
            if !c.ports.isEmpty {
                w.array("ports") {
                    for port in c.ports {
                        w.object {
                            w.field("containerPort", port.port)
                            if let h = port.hostPort { w.field("hostPort", h) }
                            w.field("name", port.name)
                            w.field("protocol", port.name == "dns" ? "UDP" : "TCP")
                        }
                    }
                }
            }
            if !p.system, c.ports.contains(where: { $0.name == "http" }) {
                w.object("readinessProbe") {
                    w.field("failureThreshold", 3)
                    w.object("httpGet") { w.field("path", "/healthz"); w.field("port", 8080); w.field("scheme", "HTTP") }
                    w.field("periodSeconds", 10); w.field("successThreshold", 1); w.field("timeoutSeconds", 1)
                }
            }
            w.object("resources") {
                w.object("limits") { w.field("memory", c.memoryLimit) }
                w.object("requests") { w.field("cpu", c.cpuRequest); w.field("memory", c.memoryLimit) }
            }
            switch c.security {
            case .none: break
            case .hardened:
                w.object("securityContext") {
                    w.field("allowPrivilegeEscalation", false)
                    w.object("capabilities") { w.stringArray("drop", ["ALL"]) }
                    w.field("readOnlyRootFilesystem", true)
                    w.field("runAsNonRoot", true)
                }
            case .privileged:
                w.object("securityContext") { w.field("privileged", true) }
            case .netAdmin:
                w.object("securityContext") { w.object("capabilities") { w.stringArray("add", ["NET_ADMIN", "NET_RAW"]) } }
            }
            w.field("terminationMessagePath", "/dev/termination-log")
            w.field("terminationMessagePolicy", "File")
            let apiMount = p.automountToken != false
            if !c.mounts.isEmpty || apiMount {
                w.array("volumeMounts") {
                    for m in c.mounts {
                        w.object { w.field("mountPath", m.path); w.field("name", m.name); if m.readOnly { w.field("readOnly", true) } }
                    }
                    if apiMount {
                        w.object {
                            w.field("mountPath", "/var/run/secrets/kubernetes.io/serviceaccount")
                            w.field("name", "kube-api-access-\(p.apiAccessSuffix)")
                            w.field("readOnly", true)
                        }
                    }
                }
            }
        }
    }

    private func volume(_ name: String, _ kind: WorkloadProfile.VolumeKind) {
        w.object {
            switch kind {
            case .secret(let s):
                w.field("name", name)
                w.object("secret") { w.field("defaultMode", 420); w.field("secretName", s) }
            case .configMap(let cm):
                w.object("configMap") { w.field("defaultMode", 420); w.field("name", cm) }
                w.field("name", name)
            case .csiSecretStore(let spc):
                w.object("csi") {
                    w.field("driver", "secrets-store.csi.k8s.io")
                    w.field("readOnly", true)
                    w.object("volumeAttributes") { w.field("secretProviderClass", spc) }
                }
                w.field("name", name)
            case .hostPath(let path, let type):
                w.object("hostPath") { w.field("path", path); w.field("type", type) }
                w.field("name", name)
            case .emptyDir:
                w.object("emptyDir") {}
                w.field("name", name)
            }
        }
    }

    private func apiAccessVolume(_ name: String) {
        w.object {
            w.field("name", name)
            w.object("projected") {
                w.field("defaultMode", 420)
                w.array("sources") {
                    w.object { w.object("serviceAccountToken") { w.field("expirationSeconds", 3607); w.field("path", "token") } }
                    w.object {
                        w.object("configMap") {
                            w.array("items") { w.object { w.field("key", "ca.crt"); w.field("path", "ca.crt") } }
                            w.field("name", "kube-root-ca.crt")
                        }
                    }
                    w.object {
                        w.object("downwardAPI") {
                            w.array("items") {
                                w.object {
                                    w.object("fieldRef") { w.field("apiVersion", "v1"); w.field("fieldPath", "metadata.namespace") }
                                    w.field("path", "namespace")
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private func podTemplate(_ p: WorkloadProfile, extraLabels: [(String, String)] = []) {
        w.object("template") {
            w.object("metadata") {
                if !p.podAnnotations.isEmpty { w.stringMap("annotations", sorted(p.podAnnotations)) }
                w.nullField("creationTimestamp")
                w.stringMap("labels", sorted(p.labels + extraLabels))
            }
            podSpec(p, pod: nil)
        }
    }

    // MARK: Pods

    func deploymentProfile(_ d: Int) -> WorkloadProfile {
        let c = l.deployments[d]
        if c.system { return .system(c.name, namespace: l.namespaceNames[c.namespace], seed: l.seed, index: d, tag: .deployment) }
        return .app(layout: l, tag: .deployment, index: d, namespace: c.namespace, app: c.app, rollout: state.rollout(d))
    }

    func templateHash(_ d: Int) -> String { var x = Draw(l.seed, .replicaSet, d, state.rollout(d)); return x.suffix(10) }

    mutating func pods() {
        for (i, ds) in l.daemonSets.enumerated() {
            let p = WorkloadProfile.system(ds.name, namespace: l.namespaceNames[ds.namespace], seed: l.seed, index: i, tag: .daemonSet)
            let owner = Owner(apiVersion: "apps/v1", kind: "DaemonSet", name: ds.name, uid: uid(.daemonSet, i))
            for r in 0..<ds.replicas {
                let g = ds.firstPod + r
                var d = Draw(l.seed, .pod, g, state.podGen(g))
                pod(g, name: "\(ds.name)-\(d.suffix(5))", generateName: "\(ds.name)-", profile: p, owner: owner,
                    extraLabels: [("controller-revision-hash", "6d9f7c8b4c"), ("pod-template-generation", "1")], node: l.nodeNames[r % l.nodeNames.count])
            }
        }
        for (i, st) in l.statefulSets.enumerated() {
            let p = WorkloadProfile.app(layout: l, tag: .statefulSet, index: i, namespace: st.namespace, app: st.app, rollout: 0)
            let owner = Owner(apiVersion: "apps/v1", kind: "StatefulSet", name: st.name, uid: uid(.statefulSet, i))
            for r in 0..<st.replicas {
                let g = st.firstPod + r
                pod(g, name: "\(st.name)-\(r)", generateName: "\(st.name)-", profile: p, owner: owner,
                    extraLabels: [("apps.kubernetes.io/pod-index", String(r)), ("statefulset.kubernetes.io/pod-name", "\(st.name)-\(r)")], node: nil)
            }
        }
        for (i, dep) in l.deployments.enumerated() {
            let p = deploymentProfile(i)
            let hash = templateHash(i)
            let rs = "\(dep.name)-\(hash)"
            let owner = Owner(apiVersion: "apps/v1", kind: "ReplicaSet", name: rs, uid: uid(.replicaSet, i, state.rollout(i)))
            for r in 0..<dep.replicas {
                let g = dep.firstPod + r
                var d = Draw(l.seed, .pod, g, state.podGen(g) + 1000 * state.rollout(i))
                pod(g, name: "\(rs)-\(d.suffix(5))", generateName: "\(rs)-", profile: p, owner: owner,
                    extraLabels: [("pod-template-hash", hash)], node: nil, rolledOutAt: state.rolledOut(i))
            }
        }
        for b in 0..<l.barePodCount {
            let g = l.firstBarePod + b
            let ns = l.appNamespace(b * 7)
            let app = ["debug", "netshoot", "toolbox", "curl"][b % 4]
            let p = WorkloadProfile.app(layout: l, tag: .pod, index: g, namespace: ns, app: app, rollout: 0)
            pod(g, name: "\(app)-\(b)", generateName: nil, profile: p, owner: nil, extraLabels: [("run", app)], node: nil)
        }
    }

    private mutating func pod(_ g: Int, name: String, generateName: String?, profile p: WorkloadProfile, owner: Owner?,
                              extraLabels: [(String, String)], node: String?, rolledOutAt: Int = 0) {
        objectCount += 1
        let gen = state.podGen(g)
        // A replaced pod (or every pod of a rolled-out Deployment) is new: new uid, created just before the snapshot.
        let newAt = max(gen > 0 ? state.changedAt(.pod, g) : 0, rolledOutAt)
        let created = newAt > 0 ? rfc3339(t0.addingTimeInterval(Double(newAt) * snapshotInterval - 95)) : rfc3339(createdAt(.pod, g))
        var d = Draw(l.seed, .pod, g, 0x40000 + gen + 1000 * rolledOutAt)
        let nodeName = node ?? l.nodeNames[d.below(l.nodeNames.count)]
        let restarts = state.version(.pod, g)
        w.object {
            w.field("apiVersion", "v1")
            w.field("kind", "Pod")
            meta(Meta(name: name, namespace: p.namespace, tag: .pod, index: g, labels: p.labels + extraLabels,
                      annotations: p.podAnnotations, generateName: generateName, owner: owner,
                      manager: g % 20 == 0 ? "kubelet" : nil, managedPaths: ["containers", "dnsPolicy", "restartPolicy"],
                      uid: uid(.pod, g, gen + 1000 * rolledOutAt), created: created))
            podSpec(p, pod: (nodeName, g))
            w.object("status") {
                w.array("conditions") {
                    for type in ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"] {
                        w.object {
                            w.nullField("lastProbeTime")
                            w.field("lastTransitionTime", created)
                            w.field("status", "True")
                            w.field("type", type)
                        }
                    }
                }
                w.array("containerStatuses") {
                    for c in p.containers {
                        w.object {
                            w.field("containerID", "containerd://\(d.hex(64))")
                            w.field("image", c.image)
                            w.field("imageID", "\(c.image.split(separator: ":").first!)@sha256:\(d.hex(64))")
                            w.object("lastState") {
                                if restarts > 0 {
                                    w.object("terminated") {
                                        w.field("containerID", "containerd://\(d.hex(64))"); w.field("exitCode", 137)
                                        w.field("finishedAt", created); w.field("reason", "OOMKilled"); w.field("startedAt", created)
                                    }
                                }
                            }
                            w.field("name", c.name)
                            w.field("ready", true)
                            w.field("restartCount", restarts)
                            w.field("started", true)
                            w.object("state") { w.object("running") { w.field("startedAt", created) } }
                        }
                    }
                }
                let hostIP = "10.224.\(g % 200).\(4 + (g / 200) % 250)"
                w.field("hostIP", hostIP)
                w.array("hostIPs") { w.object { w.field("ip", hostIP) } }
                w.field("phase", "Running")
                let podIP = p.hostNetwork ? hostIP : "10.244.\((g / 250) % 256).\(g % 250 + 2)"
                w.field("podIP", podIP)
                w.array("podIPs") { w.object { w.field("ip", podIP) } }
                w.field("qosClass", "Burstable")
                w.field("startTime", created)
            }
        }
    }

    // MARK: Controllers

    mutating func deployments() {
        for (i, dep) in l.deployments.enumerated() {
            objectCount += 1
            let p = deploymentProfile(i)
            let ns = l.namespaceNames[dep.namespace]
            var d = Draw(l.seed, .deployment, i, 0x50000)
            var ann: [(String, String)] = [("deployment.kubernetes.io/revision", String(1 + state.rollout(i)))]
            let applied = d.chance(0.3)
            if applied {
                ann.append(lastApplied { c in
                    c.object {
                        c.field("apiVersion", "apps/v1"); c.field("kind", "Deployment")
                        c.object("metadata") { c.object("annotations") {}; c.stringMap("labels", [("app", dep.app)]); c.field("name", dep.name); c.field("namespace", ns) }
                        c.object("spec") {
                            c.field("replicas", dep.replicas)
                            c.object("selector") { c.stringMap("matchLabels", [("app", dep.app)]) }
                            c.object("template") {
                                c.object("metadata") { c.stringMap("labels", sorted(p.labels)) }
                                c.object("spec") {
                                    c.array("containers") { for k in p.containers { c.object { c.field("image", k.image); c.field("name", k.name) } } }
                                    c.field("serviceAccountName", p.serviceAccount)
                                }
                            }
                        }
                    }
                })
            }
            w.object {
                w.field("apiVersion", "apps/v1")
                w.field("kind", "Deployment")
                meta(Meta(name: dep.name, namespace: ns, tag: .deployment, index: i, labels: [("app", dep.app)] + (p.system ? [("kubernetes.azure.com/managedby", "aks")] : []),
                          annotations: ann, generation: 1 + state.rollout(i), manager: applied ? "kubectl-client-side-apply" : (d.chance(0.3) ? "helm" : nil),
                          managedPaths: ["replicas", "selector", "strategy", "template"]))
                w.object("spec") {
                    w.field("progressDeadlineSeconds", 600)
                    w.field("replicas", dep.replicas)
                    w.field("revisionHistoryLimit", 10)
                    w.object("selector") { w.stringMap("matchLabels", [("app", dep.app)]) }
                    w.object("strategy") {
                        w.object("rollingUpdate") { w.field("maxSurge", "25%"); w.field("maxUnavailable", "25%") }
                        w.field("type", "RollingUpdate")
                    }
                    podTemplate(p)
                }
                w.object("status") {
                    w.field("availableReplicas", dep.replicas)
                    w.array("conditions") {
                        for (type, reason, msg) in [("Available", "MinimumReplicasAvailable", "Deployment has minimum availability."),
                                                    ("Progressing", "NewReplicaSetAvailable", "ReplicaSet \"\(dep.name)-\(templateHash(i))\" has successfully progressed.")] {
                            w.object {
                                w.field("lastTransitionTime", rfc3339(createdAt(.deployment, i)))
                                w.field("lastUpdateTime", rfc3339(createdAt(.deployment, i)))
                                w.field("message", msg); w.field("reason", reason); w.field("status", "True"); w.field("type", type)
                            }
                        }
                    }
                    w.field("observedGeneration", 1 + state.rollout(i))
                    w.field("readyReplicas", dep.replicas)
                    w.field("replicas", dep.replicas)
                    w.field("updatedReplicas", dep.replicas)
                }
            }
        }
    }

    mutating func replicaSets() {
        for (i, dep) in l.deployments.enumerated() {
            let p = deploymentProfile(i)
            let ns = l.namespaceNames[dep.namespace]
            let owner = Owner(apiVersion: "apps/v1", kind: "Deployment", name: dep.name, uid: uid(.deployment, i))
            var d = Draw(l.seed, .replicaSet, i, 0x50000)
            // The current ReplicaSet, plus the previous one kept at 0 replicas after a rollout
            // (and for some Deployments that were rolled out before the history began).
            var revisions = [(state.rollout(i), dep.replicas)]
            if state.rollout(i) > 0 || d.chance(0.3) { revisions.append((state.rollout(i) - 1, 0)) }
            for (rev, replicas) in revisions {
                objectCount += 1
                var h = Draw(l.seed, .replicaSet, i, rev)
                let hash = h.suffix(10)
                let name = "\(dep.name)-\(hash)"
                w.object {
                    w.field("apiVersion", "apps/v1")
                    w.field("kind", "ReplicaSet")
                    meta(Meta(name: name, namespace: ns, tag: .replicaSet, index: i,
                              labels: [("app", dep.app), ("pod-template-hash", hash)],
                              annotations: [("deployment.kubernetes.io/desired-replicas", String(dep.replicas)),
                                            ("deployment.kubernetes.io/max-replicas", String(dep.replicas + 1)),
                                            ("deployment.kubernetes.io/revision", String(rev + 2))],
                              generation: 1, owner: owner, manager: i % 20 == 0 ? "kube-controller-manager" : nil,
                              managedPaths: ["replicas", "selector", "template"], uid: uid(.replicaSet, i, rev)))
                    w.object("spec") {
                        w.field("replicas", replicas)
                        w.object("selector") { w.stringMap("matchLabels", [("app", dep.app), ("pod-template-hash", hash)]) }
                        podTemplate(p, extraLabels: [("pod-template-hash", hash)])
                    }
                    w.object("status") {
                        if replicas > 0 {
                            w.field("availableReplicas", replicas); w.field("fullyLabeledReplicas", replicas)
                        }
                        w.field("observedGeneration", 1)
                        if replicas > 0 { w.field("readyReplicas", replicas) }
                        w.field("replicas", replicas)
                    }
                }
            }
        }
    }

    mutating func statefulSets() {
        for (i, st) in l.statefulSets.enumerated() {
            objectCount += 1
            let p = WorkloadProfile.app(layout: l, tag: .statefulSet, index: i, namespace: st.namespace, app: st.app, rollout: 0)
            w.object {
                w.field("apiVersion", "apps/v1")
                w.field("kind", "StatefulSet")
                meta(Meta(name: st.name, namespace: p.namespace, tag: .statefulSet, index: i, labels: [("app", st.app)], generation: 1))
                w.object("spec") {
                    w.field("podManagementPolicy", "OrderedReady")
                    w.field("replicas", st.replicas)
                    w.field("revisionHistoryLimit", 10)
                    w.object("selector") { w.stringMap("matchLabels", [("app", st.app)]) }
                    w.field("serviceName", st.name)
                    podTemplate(p)
                    w.object("updateStrategy") { w.object("rollingUpdate") { w.field("partition", 0) }; w.field("type", "RollingUpdate") }
                }
                w.object("status") {
                    w.field("availableReplicas", st.replicas); w.field("currentReplicas", st.replicas)
                    w.field("readyReplicas", st.replicas); w.field("replicas", st.replicas)
                }
            }
        }
    }

    mutating func daemonSets() {
        for (i, ds) in l.daemonSets.enumerated() {
            objectCount += 1
            let p = WorkloadProfile.system(ds.name, namespace: l.namespaceNames[ds.namespace], seed: l.seed, index: i, tag: .daemonSet)
            w.object {
                w.field("apiVersion", "apps/v1")
                w.field("kind", "DaemonSet")
                meta(Meta(name: ds.name, namespace: p.namespace, tag: .daemonSet, index: i, labels: p.labels,
                          annotations: [("deprecated.daemonset.template.generation", "1")], generation: 1, manager: "aks-addon-manager",
                          managedPaths: ["selector", "template", "updateStrategy"]))
                w.object("spec") {
                    w.field("revisionHistoryLimit", 10)
                    w.object("selector") { w.stringMap("matchLabels", [("k8s-app", ds.name)]) }
                    podTemplate(p)
                    w.object("updateStrategy") { w.object("rollingUpdate") { w.field("maxSurge", 0); w.field("maxUnavailable", 1) }; w.field("type", "RollingUpdate") }
                }
                w.object("status") {
                    for k in ["currentNumberScheduled", "desiredNumberScheduled", "numberAvailable", "numberReady"] { w.field(k, ds.replicas) }
                    w.field("numberMisscheduled", 0); w.field("observedGeneration", 1); w.field("updatedNumberScheduled", ds.replicas)
                }
            }
        }
    }

    mutating func jobs() {
        for (i, cj) in l.cronJobs.enumerated() {
            objectCount += 1
            let p = WorkloadProfile.app(layout: l, tag: .cronJob, index: i, namespace: cj.namespace, app: cj.app, rollout: 0)
            // The CronJob fires every 30 minutes (every 6th snapshot) in a churning history; an
            // unchanged cluster keeps its last Job.
            let run = state.churn > 0 ? state.snapshot / 6 : 0
            let ranAt = t0.addingTimeInterval(Double(run) * 1800)
            let jobName = "\(cj.name)-\(29_000_000 + run * 30)"
            let ctrl = uid(.job, i, run)
            w.object {
                w.field("apiVersion", "batch/v1")
                w.field("kind", "Job")
                meta(Meta(name: jobName, namespace: p.namespace, tag: .job, index: i,
                          labels: [("batch.kubernetes.io/controller-uid", ctrl), ("batch.kubernetes.io/job-name", jobName)],
                          generation: 1, owner: Owner(apiVersion: "batch/v1", kind: "CronJob", name: cj.name, uid: uid(.cronJob, i)), uid: ctrl))
                w.object("spec") {
                    w.field("backoffLimit", 6); w.field("completionMode", "NonIndexed"); w.field("completions", 1)
                    w.field("manualSelector", false); w.field("parallelism", 1); w.field("podReplacementPolicy", "TerminatingOrFailed")
                    w.object("selector") { w.stringMap("matchLabels", [("batch.kubernetes.io/controller-uid", ctrl)]) }
                    w.field("suspend", false)
                    podTemplate(p)
                }
                w.object("status") {
                    w.field("completionTime", rfc3339(ranAt.addingTimeInterval(-60)))
                    w.field("ready", 0); w.field("startTime", rfc3339(ranAt.addingTimeInterval(-120))); w.field("succeeded", 1); w.field("terminating", 0)
                    w.object("uncountedTerminatedPods") {}
                }
            }
        }
    }

    mutating func cronJobs() {
        for (i, cj) in l.cronJobs.enumerated() {
            objectCount += 1
            let p = WorkloadProfile.app(layout: l, tag: .cronJob, index: i, namespace: cj.namespace, app: cj.app, rollout: 0)
            w.object {
                w.field("apiVersion", "batch/v1")
                w.field("kind", "CronJob")
                meta(Meta(name: cj.name, namespace: p.namespace, tag: .cronJob, index: i, labels: [("app", cj.app)], generation: 1))
                w.object("spec") {
                    w.field("concurrencyPolicy", "Forbid"); w.field("failedJobsHistoryLimit", 1)
                    w.object("jobTemplate") {
                        w.object("metadata") { w.nullField("creationTimestamp") }
                        w.object("spec") { w.field("backoffLimit", 6); podTemplate(p) }
                    }
                    w.field("schedule", "*/30 * * * *"); w.field("successfulJobsHistoryLimit", 3); w.field("suspend", false)
                }
                let ranAt = t0.addingTimeInterval(Double(state.churn > 0 ? state.snapshot / 6 : 0) * 1800)
                w.object("status") { w.field("lastScheduleTime", rfc3339(ranAt.addingTimeInterval(-120))); w.field("lastSuccessfulTime", rfc3339(ranAt.addingTimeInterval(-60))) }
            }
        }
    }

    // MARK: Identity, network, RBAC

    mutating func namespaces() {
        for (i, name) in l.namespaceNames.enumerated() {
            objectCount += 1
            var d = Draw(l.seed, .namespace, i)
            var labels = [("kubernetes.io/metadata.name", name)]
            if l.appPosition[i] != nil, d.chance(0.3) { labels.append(("pod-security.kubernetes.io/enforce", d.pick(["restricted", "baseline"]))) }
            if name.hasPrefix("kube-") || name.hasSuffix("-system") { labels.append(("kubernetes.azure.com/managedby", "aks")) }
            var ann: [(String, String)] = []
            if l.appPosition[i] != nil, d.chance(0.2) {
                ann.append(lastApplied { c in c.object { c.field("apiVersion", "v1"); c.field("kind", "Namespace"); c.object("metadata") { c.object("annotations") {}; c.field("name", name) } } })
            }
            w.object {
                w.field("apiVersion", "v1")
                w.field("kind", "Namespace")
                meta(Meta(name: name, tag: .namespace, index: i, labels: labels, annotations: ann))
                w.object("spec") { w.stringArray("finalizers", ["kubernetes"]) }
                w.object("status") { w.field("phase", "Active") }
            }
        }
    }

    mutating func serviceAccounts() {
        var k = 0
        for (ns, name) in l.namespaceNames.enumerated() {
            for j in 0...l.customSACount[ns] {
                let i = k; k += 1
                objectCount += 1
                var d = Draw(l.seed, .serviceAccount, i)
                var ann: [(String, String)] = []
                if j > 0, d.chance(0.2) {
                    ann.append(("azure.workload.identity/client-id", d.uuid()))
                    if d.chance(0.5) { ann.append(("azure.workload.identity/tenant-id", l.tenantID)) }
                }
                w.object {
                    w.field("apiVersion", "v1")
                    if j > 0, d.chance(0.3) { w.field("automountServiceAccountToken", false) }
                    if j > 0, d.chance(0.1) { w.array("imagePullSecrets") { w.object { w.field("name", "acr-pull") } } }
                    w.field("kind", "ServiceAccount")
                    meta(Meta(name: l.serviceAccountName(namespace: ns, j), namespace: name, tag: .serviceAccount, index: i,
                              labels: j > 0 && d.chance(0.5) ? [("app.kubernetes.io/managed-by", "Helm")] : [], annotations: ann))
                    if j > 0, d.chance(0.05) { w.array("secrets") { w.object { w.field("name", "\(l.serviceAccountName(namespace: ns, j))-token-\(d.suffix(5))") } } }
                }
            }
        }
    }

    mutating func services() {
        for s in 0..<l.scale.services {
            objectCount += 1
            let ns = l.appNamespace(s)
            let nsName = l.namespaceNames[ns]
            var d = Draw(l.seed, .service, s)
            let deps = l.deploymentsByNamespace[ns]
            let app = deps.isEmpty ? "svc-\(s)" : l.deployments[deps[d.below(deps.count)]].app
            let type: String
            switch d.below(100) {
            case 0..<85: type = "ClusterIP"
            case 85..<93: type = "LoadBalancer"
            case 93..<98: type = "NodePort"
            default: type = "ClusterIP"
            }
            var ann: [(String, String)] = []
            let internalLB = type == "LoadBalancer" && d.chance(0.5)
            if internalLB { ann.append(("service.beta.kubernetes.io/azure-load-balancer-internal", "true")) }
            if d.chance(0.3) { ann.append(("meta.helm.sh/release-name", app)); ann.append(("meta.helm.sh/release-namespace", nsName)) }
            let clusterIP = "10.0.\((s / 250) % 256).\(s % 250 + 2)"
            w.object {
                w.field("apiVersion", "v1")
                w.field("kind", "Service")
                meta(Meta(name: "\(app)-\(s)", namespace: nsName, tag: .service, index: s, labels: [("app", app)], annotations: ann))
                w.object("spec") {
                    if type != "ClusterIP" { w.field("allocateLoadBalancerNodePorts", true) }
                    w.field("clusterIP", clusterIP)
                    w.stringArray("clusterIPs", [clusterIP])
                    if type != "ClusterIP" { w.field("externalTrafficPolicy", "Cluster") }
                    w.field("internalTrafficPolicy", "Cluster")
                    w.stringArray("ipFamilies", ["IPv4"])
                    w.field("ipFamilyPolicy", "SingleStack")
                    if type == "LoadBalancer", !internalLB, d.chance(0.5) { w.stringArray("loadBalancerSourceRanges", ["203.0.113.0/24"]) }
                    w.array("ports") {
                        w.object {
                            w.field("name", "http")
                            if type != "ClusterIP" { w.field("nodePort", 30000 + s % 2767) }
                            w.field("port", 80); w.field("protocol", "TCP"); w.field("targetPort", 8080)
                        }
                    }
                    w.stringMap("selector", [("app", app)])
                    w.field("sessionAffinity", "None")
                    w.field("type", type)
                }
                w.object("status") {
                    w.object("loadBalancer") {
                        if type == "LoadBalancer" {
                            w.array("ingress") { w.object { w.field("ip", internalLB ? "10.224.\(s % 250).\(200 + s % 50)" : "20.\(50 + s % 100).\(s % 250).\(s % 200 + 1)"); w.field("ipMode", "VIP") } }
                        }
                    }
                }
            }
        }
    }

    mutating func ingresses() {
        for i in 0..<l.ingressCount {
            objectCount += 1
            let ns = l.appNamespace(i)
            let nsName = l.namespaceNames[ns]
            var d = Draw(l.seed, .ingress, i)
            let host = "\(nsName)-\(i).apps.contoso.example"
            let tls = d.chance(0.8)
            w.object {
                w.field("apiVersion", "networking.k8s.io/v1")
                w.field("kind", "Ingress")
                meta(Meta(name: "ingress-\(i)", namespace: nsName, tag: .ingress, index: i, generation: 1))
                w.object("spec") {
                    w.field("ingressClassName", d.pick(["webapprouting.kubernetes.azure.com", "nginx"]))
                    w.array("rules") {
                        w.object {
                            w.field("host", host)
                            w.object("http") {
                                w.array("paths") {
                                    w.object {
                                        w.object("backend") { w.object("service") { w.field("name", "svc-\(i)"); w.object("port") { w.field("number", 80) } } }
                                        w.field("path", "/"); w.field("pathType", "Prefix")
                                    }
                                }
                            }
                        }
                    }
                    if tls { w.array("tls") { w.object { w.stringArray("hosts", [host]); w.field("secretName", "ingress-\(i)-tls") } } }
                }
                w.object("status") { w.object("loadBalancer") { w.array("ingress") { w.object { w.field("ip", "20.61.\(i % 250).\(i % 200 + 1)") } } } }
            }
        }
    }

    mutating func networkPolicies() {
        for i in 0..<l.scale.networkPolicies {
            objectCount += 1
            let ns = l.appNamespace(i)
            let nsName = l.namespaceNames[ns]
            let round = i / l.appNamespaces.count
            w.object {
                w.field("apiVersion", "networking.k8s.io/v1")
                w.field("kind", "NetworkPolicy")
                switch round % 3 {
                case 0:
                    meta(Meta(name: "default-deny-all", namespace: nsName, tag: .networkPolicy, index: i, generation: 1))
                    w.object("spec") { w.object("podSelector") {}; w.stringArray("policyTypes", ["Ingress", "Egress"]) }
                case 1:
                    meta(Meta(name: "allow-same-namespace-\(i)", namespace: nsName, tag: .networkPolicy, index: i, generation: 1))
                    w.object("spec") {
                        w.array("ingress") { w.object { w.array("from") { w.object { w.object("podSelector") {} } } } }
                        w.object("podSelector") { w.stringMap("matchLabels", [("app.kubernetes.io/part-of", String(nsName.split(separator: "-").first!))]) }
                        w.stringArray("policyTypes", ["Ingress"])
                    }
                default:
                    meta(Meta(name: "allow-all-egress-\(i)", namespace: nsName, tag: .networkPolicy, index: i, generation: 1))
                    w.object("spec") {
                        w.array("egress") { w.object {} }
                        w.object("podSelector") {}
                        w.stringArray("policyTypes", ["Egress"])
                    }
                }
            }
        }
    }

    private func rule(_ groups: [String], _ resources: [String], _ verbs: [String]) {
        w.object { w.stringArray("apiGroups", groups); w.stringArray("resources", resources); w.stringArray("verbs", verbs) }
    }

    mutating func roles() {
        for i in 0..<l.roleCount {
            objectCount += 1
            let nsName = l.namespaceNames[l.appNamespace(i)]
            var d = Draw(l.seed, .role, i)
            w.object {
                w.field("apiVersion", "rbac.authorization.k8s.io/v1")
                w.field("kind", "Role")
                meta(Meta(name: "role-\(i)", namespace: nsName, tag: .role, index: i))
                w.array("rules") {
                    rule([""], ["pods", "services", "endpoints"], ["get", "list", "watch"])
                    if d.chance(0.3) { rule([""], ["secrets"], ["get", "list"]) }
                    if d.chance(0.1) { rule(["*"], ["*"], ["*"]) }
                    if d.chance(0.2) { rule([""], ["pods/exec"], ["create"]) }
                    rule(["apps"], ["deployments"], ["get", "list", "patch"])
                }
            }
        }
    }

    mutating func roleBindings() {
        for i in 0..<l.scale.roleBindings {
            objectCount += 1
            let ns = l.appNamespace(i)
            let nsName = l.namespaceNames[ns]
            var d = Draw(l.seed, .roleBinding, i)
            let toRole = d.chance(0.5)
            let roleName = toRole ? "role-\(l.dealtIndex(d.below(max(1, l.dealtCount(l.roleCount, in: ns))), in: ns))" : d.pick(["edit", "view", "admin"])
            w.object {
                w.field("apiVersion", "rbac.authorization.k8s.io/v1")
                w.field("kind", "RoleBinding")
                meta(Meta(name: "binding-\(i)", namespace: nsName, tag: .roleBinding, index: i))
                w.object("roleRef") { w.field("apiGroup", "rbac.authorization.k8s.io"); w.field("kind", toRole ? "Role" : "ClusterRole"); w.field("name", roleName) }
                w.array("subjects") {
                    switch d.below(3) {
                    case 0: w.object { w.field("apiGroup", "rbac.authorization.k8s.io"); w.field("kind", "Group"); w.field("name", d.uuid()) }
                    case 1: w.object { w.field("apiGroup", "rbac.authorization.k8s.io"); w.field("kind", "User"); w.field("name", "user\(i)@contoso.example") }
                    default:
                        let sa = l.customSACount[ns]
                        w.object { w.field("kind", "ServiceAccount"); w.field("name", l.serviceAccountName(namespace: ns, sa == 0 ? 0 : 1 + d.below(sa))); w.field("namespace", nsName) }
                    }
                }
            }
        }
    }

    static let bootstrapClusterRoles: [String] = {
        var r = ["admin", "cluster-admin", "edit", "view", "system:aggregate-to-admin", "system:aggregate-to-edit", "system:aggregate-to-view",
                 "system:auth-delegator", "system:basic-user", "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
                 "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", "system:discovery", "system:heapster",
                 "system:kube-aggregator", "system:kube-controller-manager", "system:kube-dns", "system:kube-scheduler",
                 "system:kubelet-api-admin", "system:monitoring", "system:node", "system:node-bootstrapper", "system:node-problem-detector",
                 "system:node-proxier", "system:persistent-volume-provisioner", "system:public-info-viewer", "system:service-account-issuer-discovery",
                 "system:volume-scheduler"]
        for c in ["attachdetach", "clusterrole-aggregation", "cronjob", "daemon-set", "deployment", "disruption", "endpoint",
                  "endpointslice", "ephemeral-volume", "expand", "generic-garbage-collector", "horizontal-pod-autoscaler", "job",
                  "namespace", "node", "persistent-volume-binder", "pod-garbage-collector", "pv-protection", "pvc-protection",
                  "replicaset", "replication", "resourcequota", "root-ca-cert-publisher", "route", "service-account",
                  "service-controller", "statefulset", "token-cleaner", "ttl", "ttl-after-finished", "legacy-service-account-token-cleaner",
                  "certificate-controller", "endpointslicemirroring", "validatingadmissionpolicy-status", "bootstrap-signer",
                  "cloud-provider", "selinux-warning", "service-cidrs-controller", "storage-version-garbage-collector", "node-ipam"] {
            r.append("system:controller:\(c)")
        }
        return Array(r.prefix(80))
    }()

    mutating func clusterRoles() {
        let boot = Self.bootstrapClusterRoles
        for i in 0..<(boot.count + l.customClusterRoleCount) {
            objectCount += 1
            var d = Draw(l.seed, .clusterRole, i)
            w.object {
                if i < boot.count {
                    let name = boot[i]
                    let aggregated = ["admin", "edit", "view"].contains(name)
                    if aggregated {
                        w.object("aggregationRule") {
                            w.array("clusterRoleSelectors") { w.object { w.stringMap("matchLabels", [("rbac.authorization.k8s.io/aggregate-to-\(name)", "true")]) } }
                        }
                    }
                    w.field("apiVersion", "rbac.authorization.k8s.io/v1")
                    w.field("kind", "ClusterRole")
                    meta(Meta(name: name, tag: .clusterRole, index: i, labels: [("kubernetes.io/bootstrapping", "rbac-defaults")],
                              annotations: [("rbac.authorization.kubernetes.io/autoupdate", "true")]))
                    w.array("rules") {
                        if name == "cluster-admin" { rule(["*"], ["*"], ["*"]); w.object { w.stringArray("nonResourceURLs", ["*"]); w.stringArray("verbs", ["*"]) } }
                        else if aggregated {
                            rule([""], ["configmaps", "endpoints", "persistentvolumeclaims", "pods", "replicationcontrollers", "services"], ["get", "list", "watch"])
                            rule(["apps"], ["daemonsets", "deployments", "replicasets", "statefulsets"], ["get", "list", "watch"])
                            if name != "view" { rule([""], ["secrets"], ["create", "delete", "get", "list", "patch", "update", "watch"]) }
                        } else {
                            rule([""], ["events"], ["create", "patch", "update"])
                            rule(["", "apps"], ["pods", "deployments", "replicasets"], ["get", "list", "watch"])
                        }
                    }
                } else {
                    w.field("apiVersion", "rbac.authorization.k8s.io/v1")
                    w.field("kind", "ClusterRole")
                    meta(Meta(name: "custom-clusterrole-\(i)", tag: .clusterRole, index: i, labels: [("app.kubernetes.io/managed-by", "Helm")]))
                    w.array("rules") {
                        rule([""], ["nodes", "namespaces"], ["get", "list", "watch"])
                        if d.chance(0.2) { rule([""], ["secrets"], ["*"]) }
                        if d.chance(0.1) { rule(["*"], ["*"], ["*"]) }
                    }
                }
            }
        }
    }

    mutating func clusterRoleBindings() {
        let boot = Array(Self.bootstrapClusterRoles.filter { $0.hasPrefix("system:") }.prefix(60))
        for i in 0..<(boot.count + l.customClusterRoleBindingCount) {
            objectCount += 1
            var d = Draw(l.seed, .clusterRoleBinding, i)
            w.object {
                w.field("apiVersion", "rbac.authorization.k8s.io/v1")
                w.field("kind", "ClusterRoleBinding")
                if i < boot.count {
                    meta(Meta(name: boot[i], tag: .clusterRoleBinding, index: i, labels: [("kubernetes.io/bootstrapping", "rbac-defaults")],
                              annotations: [("rbac.authorization.kubernetes.io/autoupdate", "true")]))
                    w.object("roleRef") { w.field("apiGroup", "rbac.authorization.k8s.io"); w.field("kind", "ClusterRole"); w.field("name", boot[i]) }
                    w.array("subjects") {
                        if boot[i].hasPrefix("system:controller:") {
                            w.object { w.field("kind", "ServiceAccount"); w.field("name", String(boot[i].dropFirst(18)) + "-controller"); w.field("namespace", "kube-system") }
                        } else {
                            w.object { w.field("apiGroup", "rbac.authorization.k8s.io"); w.field("kind", "User"); w.field("name", boot[i]) }
                        }
                    }
                } else {
                    let k = i - boot.count
                    let role = k == 0 ? "cluster-admin" : (k == 1 ? "cluster-admin" : "custom-clusterrole-\(Self.bootstrapClusterRoles.count + d.below(l.customClusterRoleCount))")
                    meta(Meta(name: k < 2 ? "aks-cluster-admin-binding-\(k)" : "custom-binding-\(k)", tag: .clusterRoleBinding, index: i))
                    w.object("roleRef") { w.field("apiGroup", "rbac.authorization.k8s.io"); w.field("kind", "ClusterRole"); w.field("name", role) }
                    w.array("subjects") {
                        if k == 1 {
                            w.object { w.field("kind", "ServiceAccount"); w.field("name", "default"); w.field("namespace", l.namespaceNames[l.appNamespace(0)]) }
                        } else {
                            w.object { w.field("apiGroup", "rbac.authorization.k8s.io"); w.field("kind", "Group"); w.field("name", d.uuid()) }
                        }
                    }
                }
            }
        }
    }

    // MARK: Secrets and configuration

    static let fakeCert = "-----BEGIN FAKE BENCH CERTIFICATE-----\n" + String(repeating: "RkFLRS1CRU5DSC1OT1QtQS1SRUFMLUNFUlRJRklDQVRFLQ==\n", count: 22) + "-----END FAKE BENCH CERTIFICATE-----\n"
    static let fakeKey = "-----BEGIN FAKE BENCH KEY-----\n" + String(repeating: "RkFLRS1CRU5DSC1LRVktTk9ULUEtUkVBTC1LRVktLS0tLQ==\n", count: 26) + "-----END FAKE BENCH KEY-----\n"
    static let fakeHelmRelease = String(repeating: "FAKE-bench-helm-release-payload-not-a-real-chart-", count: 40)

    mutating func secrets() {
        for s in 0..<l.scale.secrets {
            objectCount += 1
            let nsName = l.namespaceNames[l.appNamespace(s)]
            var d = Draw(l.seed, .secret, s, 1)
            let name = SecretCatalog.name(l, s)
            let kind = SecretCatalog.kind(l, s)
            let fake = "FAKE-bench-\(s)-\(state.version(.secret, s))"
            var data: [(String, String)]
            var type: String
            var labels: [(String, String)] = []
            var ann: [(String, String)] = []
            switch kind {
            case .opaque:
                type = "Opaque"
                data = [("password", base64("\(fake)-password")), ("username", base64("bench-user-\(s)"))]
                if d.chance(0.3) { data.append(("connection-string", base64("Server=tcp:fake-\(s).database.example;User ID=bench;Password=\(fake);"))) }
                if d.chance(0.2) {
                    let applied = data
                    ann.append(lastApplied { c in
                        c.object {
                            c.field("apiVersion", "v1"); c.stringMap("data", applied); c.field("kind", "Secret")
                            c.object("metadata") { c.object("annotations") {}; c.field("name", name); c.field("namespace", nsName) }
                            c.field("type", "Opaque")
                        }
                    })
                }
            case .helm:
                type = "helm.sh/release.v1"
                data = [("release", base64(Self.fakeHelmRelease + fake))]
                let parts = name.split(separator: ".")
                labels = [("modifiedAt", "1732838400"), ("name", String(parts[4])), ("owner", "helm"), ("status", "deployed"), ("version", String(parts.last!.dropFirst()))]
            case .tls:
                type = "kubernetes.io/tls"
                data = [("tls.crt", base64(Self.fakeCert)), ("tls.key", base64(Self.fakeKey + fake))]
                if d.chance(0.5) { ann.append(("cert-manager.io/issuer-name", "letsencrypt")); ann.append(("cert-manager.io/common-name", "\(nsName).apps.contoso.example")) }
            case .dockerConfig:
                type = "kubernetes.io/dockerconfigjson"
                data = [(".dockerconfigjson", base64("{\"auths\":{\"\(l.acrName).azurecr.io\":{\"username\":\"00000000-fake\",\"password\":\"\(fake)\",\"auth\":\"\(base64("fake:\(fake)"))\"}}}"))]
            case .serviceAccountToken:
                type = "kubernetes.io/service-account-token"
                data = [("ca.crt", base64(Self.fakeCert)), ("namespace", base64(nsName)), ("token", base64("FAKE.bench.token.\(fake)"))]
                ann = [("kubernetes.io/service-account.name", "default"), ("kubernetes.io/service-account.uid", uid(.serviceAccount, s))]
            }
            w.object {
                w.field("apiVersion", "v1")
                w.stringMap("data", data)
                if kind == .tls, d.chance(0.1) { w.field("immutable", true) }
                w.field("kind", "Secret")
                meta(Meta(name: name, namespace: nsName, tag: .secret, index: s, labels: labels, annotations: ann,
                          manager: s % 10 == 0 ? "helm" : nil))
                w.field("type", type)
            }
        }
    }

    mutating func configMaps() {
        // kube-root-ca.crt in every namespace, then application configuration dealt round-robin.
        for (ns, name) in l.namespaceNames.enumerated() {
            objectCount += 1
            w.object {
                w.field("apiVersion", "v1")
                w.stringMap("data", [("ca.crt", Self.fakeCert)])
                w.field("kind", "ConfigMap")
                meta(Meta(name: "kube-root-ca.crt", namespace: name, tag: .configMap, index: ns,
                          annotations: [("kubernetes.io/description", "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.")]))
            }
        }
        for i in 0..<l.configMapCount {
            objectCount += 1
            let ns = l.appNamespace(i)
            let nsName = l.namespaceNames[ns]
            let deps = l.deploymentsByNamespace[ns]
            var d = Draw(l.seed, .configMap, i)
            // The k-th ConfigMap of a namespace is the `<app>-config` of its k-th Deployment (which
            // pods reference through envFrom and volumes); the rest are extra settings.
            let k = i / l.appNamespaces.count
            let app = k < deps.count ? l.deployments[deps[k]].app : "settings-\(i)"
            var data: [(String, String)] = [("LOG_LEVEL", "info"), ("appsettings.json", "{\n  \"Logging\": {\"LogLevel\": {\"Default\": \"Information\"}},\n  \"FeatureManagement\": {\"NewCheckout\": \(d.chance(0.5))},\n  \"Revision\": \(state.version(.configMap, l.namespaceNames.count + i))\n}\n"),
                                            ("flags", "beta-ui,fast-path")]
            if d.chance(0.03) { data.append(("DB_PASSWORD", "FAKE-bench-not-a-password-\(i)")) }
            w.object {
                w.field("apiVersion", "v1")
                w.stringMap("data", data.sorted { $0.0 < $1.0 })
                w.field("kind", "ConfigMap")
                meta(Meta(name: k < deps.count ? "\(app)-config" : app, namespace: nsName,
                          tag: .configMap, index: l.namespaceNames.count + i, labels: [("app", app)]))
            }
        }
    }

    mutating func secretProviderClasses() {
        for i in 0..<l.spcCount {
            objectCount += 1
            let ns = l.appNamespace(i)
            let nsName = l.namespaceNames[ns]
            let team = String(nsName.split(separator: "-").first!)
            var d = Draw(l.seed, .spc, i)
            let wi = d.chance(0.6)
            w.object {
                w.field("apiVersion", "secrets-store.csi.x-k8s.io/v1")
                w.field("kind", "SecretProviderClass")
                meta(Meta(name: "kv-\(team)-\(i)", namespace: nsName, tag: .spc, index: i, generation: 1))
                w.object("spec") {
                    w.object("parameters") {
                        if wi { w.field("clientID", d.uuid()) }
                        w.field("cloudName", "")
                        w.field("keyvaultName", "kv-\(team)-\(i % 97)")
                        w.field("objects", "array:\n  - |\n    objectName: db-password\n    objectType: secret\n    objectVersion: \"\"\n  - |\n    objectName: api-cert\n    objectType: cert\n")
                        w.field("tenantId", l.tenantID)
                        w.field("usePodIdentity", "false")
                        if !wi { w.field("useVMManagedIdentity", "true"); w.field("userAssignedIdentityID", d.uuid()) }
                    }
                    w.field("provider", "azure")
                    if d.chance(0.4) {
                        w.array("secretObjects") {
                            w.object {
                                w.array("data") { w.object { w.field("key", "password"); w.field("objectName", "db-password") } }
                                w.field("secretName", "kv-synced-\(i)")
                                w.field("type", "Opaque")
                            }
                        }
                    }
                }
            }
        }
    }
}
