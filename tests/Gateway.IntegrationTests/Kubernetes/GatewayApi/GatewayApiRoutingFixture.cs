namespace Gateway.IntegrationTests.Kubernetes.GatewayApi;

/// <summary>
/// The HTTPRoutes of the routing cases, modelled on the upstream conformance suite: each case on its own hostname of
/// Gateway <c>same-namespace</c>, and the hostname-intersection case on Gateway <c>hostnames</c> with three listeners.
/// </summary>
public sealed class GatewayApiRoutingFixture : GatewayApiFixture
{
    protected override IEnumerable<string> AcceptedRoutes =>
    [
        "infra/matching", "infra/exact", "infra/order", "infra/across-1", "infra/across-2", "infra/headers", "infra/query",
        "infra/method", "infra/weights", "infra/rewrite", "infra/header-modifier", "infra/redirect", "infra/specific-on-specific",
        "infra/specific-on-wildcard", "infra/wildcard-on-specific", "infra/wildcard-on-wildcard",
    ];

    protected override string Objects => """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: { name: same-namespace }
        spec:
          gatewayClassName: mlgateway
          listeners: [ { name: http, protocol: HTTP, port: 80, allowedRoutes: { namespaces: { from: Same } } } ]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: { name: hostnames }
        spec:
          gatewayClassName: mlgateway
          listeners:
            - { name: listener-1, protocol: HTTP, port: 80, hostname: very.specific.com }
            - { name: listener-2, protocol: HTTP, port: 80, hostname: "*.wildcard.io" }
            - { name: listener-3, protocol: HTTP, port: 80, hostname: "*.anotherwildcard.io" }
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: matching }
        spec:
          parentRefs: [ { name: same-namespace } ]
          hostnames: [ matching.test ]
          rules:
            - matches: [ { path: { type: PathPrefix, value: / } }, { headers: [ { name: version, value: one } ] } ]
              backendRefs: [ { name: v1, port: 8080 } ]
            - matches: [ { path: { type: PathPrefix, value: /v2 } }, { headers: [ { name: version, value: two } ] } ]
              backendRefs: [ { name: v2, port: 8080 } ]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: exact }
        spec:
          parentRefs: [ { name: same-namespace } ]
          hostnames: [ exact.test ]
          rules:
            - { matches: [ { path: { type: Exact, value: /one } } ], backendRefs: [ { name: v1, port: 8080 } ] }
            - { matches: [ { path: { type: Exact, value: /two } } ], backendRefs: [ { name: v2, port: 8080 } ] }
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: order }
        spec:
          parentRefs: [ { name: same-namespace } ]
          hostnames: [ order.test ]
          rules:
            - { matches: [ { path: { type: Exact, value: /match } } ], backendRefs: [ { name: v1, port: 8080 } ] }
            - { matches: [ { path: { type: Exact, value: /match/exact } } ], backendRefs: [ { name: v2, port: 8080 } ] }
            - { matches: [ { path: { type: Exact, value: /match/exact/one } } ], backendRefs: [ { name: v3, port: 8080 } ] }
            - { matches: [ { path: { type: PathPrefix, value: /match/ } } ], backendRefs: [ { name: v3, port: 8080 } ] }
            - { matches: [ { path: { type: PathPrefix, value: /match/prefix/ } } ], backendRefs: [ { name: v1, port: 8080 } ] }
            - { matches: [ { path: { type: PathPrefix, value: /match/prefix/one } } ], backendRefs: [ { name: v2, port: 8080 } ] }
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: across-1 }
        spec:
          parentRefs: [ { name: same-namespace } ]
          hostnames: [ example.com, example.net ]
          rules:
            - matches: [ { path: { type: PathPrefix, value: / } }, { headers: [ { name: version, value: one } ] } ]
              backendRefs: [ { name: v1, port: 8080 } ]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: across-2 }
        spec:
          parentRefs: [ { name: same-namespace } ]
          hostnames: [ example.com ]
          rules:
            - matches: [ { path: { type: PathPrefix, value: /v2 } }, { headers: [ { name: version, value: two } ] } ]
              backendRefs: [ { name: v2, port: 8080 } ]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: headers }
        spec:
          parentRefs: [ { name: same-namespace } ]
          hostnames: [ headers.test ]
          rules:
            - { matches: [ { headers: [ { name: version, value: one } ] } ], backendRefs: [ { name: v1, port: 8080 } ] }
            - { matches: [ { headers: [ { name: version, value: two } ] } ], backendRefs: [ { name: v2, port: 8080 } ] }
            - { matches: [ { headers: [ { name: version, value: two }, { name: color, value: orange } ] } ], backendRefs: [ { name: v1, port: 8080 } ] }
            - { matches: [ { headers: [ { name: color, value: blue } ] }, { headers: [ { name: color, value: green } ] } ], backendRefs: [ { name: v1, port: 8080 } ] }
            - { matches: [ { headers: [ { name: color, value: red } ] }, { headers: [ { name: color, value: yellow } ] } ], backendRefs: [ { name: v2, port: 8080 } ] }
            - { matches: [ { headers: [ { type: RegularExpression, name: tenant, value: "team-[0-9]+" } ] } ], backendRefs: [ { name: v3, port: 8080 } ] }
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: query }
        spec:
          parentRefs: [ { name: same-namespace } ]
          hostnames: [ query.test ]
          rules:
            - { matches: [ { queryParams: [ { name: animal, value: whale } ] } ], backendRefs: [ { name: v1, port: 8080 } ] }
            - { matches: [ { queryParams: [ { name: animal, value: dolphin } ] } ], backendRefs: [ { name: v2, port: 8080 } ] }
            - matches:
                - queryParams: [ { name: animal, value: dolphin }, { name: color, value: blue } ]
                - queryParams: [ { name: ANIMAL, value: Whale } ]
              backendRefs: [ { name: v3, port: 8080 } ]
            - { matches: [ { path: { value: /path1 }, queryParams: [ { name: animal, value: whale } ] } ], backendRefs: [ { name: v1, port: 8080 } ] }
            - { matches: [ { headers: [ { name: version, value: one } ], queryParams: [ { name: animal, value: whale } ] } ], backendRefs: [ { name: v2, port: 8080 } ] }
            - matches: [ { path: { value: /path2 }, headers: [ { name: version, value: two } ], queryParams: [ { name: animal, value: whale } ] } ]
              backendRefs: [ { name: v3, port: 8080 } ]
            - matches:
                - { path: { value: /path3 }, queryParams: [ { name: animal, value: shark } ] }
                - { path: { value: /path4 }, headers: [ { name: version, value: three } ], queryParams: [ { name: animal, value: kraken } ] }
              backendRefs: [ { name: v1, port: 8080 } ]
            - { matches: [ { path: { value: /path5 } } ], backendRefs: [ { name: v1, port: 8080 } ] }
            - { matches: [ { queryParams: [ { name: animal, value: hydra } ] } ], backendRefs: [ { name: v2, port: 8080 } ] }
            - { matches: [ { headers: [ { name: version, value: four } ] } ], backendRefs: [ { name: v3, port: 8080 } ] }
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: method }
        spec:
          parentRefs: [ { name: same-namespace } ]
          hostnames: [ method.test ]
          rules:
            - { matches: [ { method: POST } ], backendRefs: [ { name: v1, port: 8080 } ] }
            - { matches: [ { method: GET } ], backendRefs: [ { name: v2, port: 8080 } ] }
            - { matches: [ { path: { value: /path1 }, method: GET } ], backendRefs: [ { name: v1, port: 8080 } ] }
            - { matches: [ { headers: [ { name: version, value: one } ], method: PUT } ], backendRefs: [ { name: v2, port: 8080 } ] }
            - { matches: [ { path: { value: /path2 }, headers: [ { name: version, value: two } ], method: POST } ], backendRefs: [ { name: v3, port: 8080 } ] }
            - matches:
                - { path: { value: /path3 }, method: PATCH }
                - { path: { value: /path4 }, headers: [ { name: version, value: three } ], method: DELETE }
              backendRefs: [ { name: v1, port: 8080 } ]
            - { matches: [ { path: { value: /path5 } } ], backendRefs: [ { name: v1, port: 8080 } ] }
            - { matches: [ { method: PATCH } ], backendRefs: [ { name: v2, port: 8080 } ] }
            - { matches: [ { headers: [ { name: version, value: four } ] } ], backendRefs: [ { name: v3, port: 8080 } ] }
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: weights }
        spec:
          parentRefs: [ { name: same-namespace } ]
          hostnames: [ weight.test ]
          rules:
            - backendRefs:
                - { name: v1, port: 8080, weight: 70 }
                - { name: v2, port: 8080, weight: 30 }
                - { name: v3, port: 8080, weight: 0 }
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: rewrite }
        spec:
          parentRefs: [ { name: same-namespace } ]
          hostnames: [ rewrite.test ]
          rules:
            - matches: [ { path: { value: /prefix/one } } ]
              filters: [ { type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: /one } } } ]
              backendRefs: [ { name: v1, port: 8080 } ]
            - matches: [ { path: { value: /strip-prefix } } ]
              filters: [ { type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: / } } } ]
              backendRefs: [ { name: v1, port: 8080 } ]
            - matches: [ { path: { value: /full/one } } ]
              filters: [ { type: URLRewrite, urlRewrite: { path: { type: ReplaceFullPath, replaceFullPath: /one } } } ]
              backendRefs: [ { name: v1, port: 8080 } ]
            - matches: [ { path: { value: /host } } ]
              filters: [ { type: URLRewrite, urlRewrite: { hostname: internal.example.com } } ]
              backendRefs: [ { name: v1, port: 8080 } ]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: header-modifier }
        spec:
          parentRefs: [ { name: same-namespace } ]
          hostnames: [ headermod.test ]
          rules:
            - matches: [ { path: { value: /set } } ]
              filters: [ { type: RequestHeaderModifier, requestHeaderModifier: { set: [ { name: X-Header-Set, value: set-overwrites-values } ] } } ]
              backendRefs: [ { name: v1, port: 8080 } ]
            - matches: [ { path: { value: /add } } ]
              filters: [ { type: RequestHeaderModifier, requestHeaderModifier: { add: [ { name: X-Header-Add, value: add-appends-values } ] } } ]
              backendRefs: [ { name: v1, port: 8080 } ]
            - matches: [ { path: { value: /remove } } ]
              filters: [ { type: RequestHeaderModifier, requestHeaderModifier: { remove: [ X-Header-Remove ] } } ]
              backendRefs: [ { name: v1, port: 8080 } ]
            - matches: [ { path: { value: /multiple } } ]
              filters:
                - type: RequestHeaderModifier
                  requestHeaderModifier:
                    set: [ { name: X-Header-Set-1, value: header-set-1 }, { name: X-Header-Set-2, value: header-set-2 } ]
                    add: [ { name: X-Header-Add-1, value: header-add-1 }, { name: X-Header-Add-2, value: header-add-2 }, { name: X-Header-Add-3, value: header-add-3 } ]
                    remove: [ X-Header-Remove-1, X-Header-Remove-2 ]
              backendRefs: [ { name: v1, port: 8080 } ]
            - matches: [ { path: { value: /case-insensitivity } } ]
              filters:
                - type: RequestHeaderModifier
                  requestHeaderModifier:
                    set: [ { name: X-Header-Set, value: header-set } ]
                    add: [ { name: X-Header-Add, value: header-add } ]
                    remove: [ X-Header-Remove ]
              backendRefs: [ { name: v1, port: 8080 } ]
            - matches: [ { path: { value: /response } } ]
              filters: [ { type: ResponseHeaderModifier, responseHeaderModifier: { set: [ { name: X-Response-Set, value: set } ], add: [ { name: X-Response-Add, value: added } ] } } ]
              backendRefs: [ { name: v1, port: 8080 } ]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: redirect }
        spec:
          parentRefs: [ { name: same-namespace } ]
          hostnames: [ redirect.test ]
          rules:
            - matches: [ { path: { value: /hostname-redirect } } ]
              filters: [ { type: RequestRedirect, requestRedirect: { hostname: example.org } } ]
            - matches: [ { path: { value: /status-code-301 } } ]
              filters: [ { type: RequestRedirect, requestRedirect: { statusCode: 301 } } ]
            - matches: [ { path: { value: /host-and-status } } ]
              filters: [ { type: RequestRedirect, requestRedirect: { hostname: example.org, statusCode: 301 } } ]
            - matches: [ { path: { value: /scheme } } ]
              filters: [ { type: RequestRedirect, requestRedirect: { scheme: https } } ]
            - matches: [ { path: { value: /full-path } } ]
              filters: [ { type: RequestRedirect, requestRedirect: { path: { type: ReplaceFullPath, replaceFullPath: /full-path-replacement } } } ]
            - matches: [ { path: { value: /prefix } } ]
              filters: [ { type: RequestRedirect, requestRedirect: { path: { type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix } } } ]
            - matches: [ { path: { value: /path-and-host } } ]
              filters: [ { type: RequestRedirect, requestRedirect: { hostname: example.org, path: { type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix } } } ]
            - matches: [ { path: { value: /path-and-status } } ]
              filters: [ { type: RequestRedirect, requestRedirect: { statusCode: 301, path: { type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix } } } ]
            - matches: [ { path: { value: /full-path-and-host } } ]
              filters: [ { type: RequestRedirect, requestRedirect: { hostname: example.org, path: { type: ReplaceFullPath, replaceFullPath: /replacement-full } } } ]
            - matches: [ { path: { value: /full-path-and-status } } ]
              filters: [ { type: RequestRedirect, requestRedirect: { statusCode: 301, path: { type: ReplaceFullPath, replaceFullPath: /replacement-full } } } ]
            - matches: [ { path: { value: /port } } ]
              filters: [ { type: RequestRedirect, requestRedirect: { port: 8083 } } ]
            - matches: [ { path: { value: /port-and-host } } ]
              filters: [ { type: RequestRedirect, requestRedirect: { hostname: example.org, port: 8083 } } ]
            - matches: [ { path: { value: /port-and-status } } ]
              filters: [ { type: RequestRedirect, requestRedirect: { port: 8083, statusCode: 301 } } ]
            - matches: [ { path: { value: /port-and-host-and-status } } ]
              filters: [ { type: RequestRedirect, requestRedirect: { port: 8083, hostname: example.org, statusCode: 302 } } ]
            - matches: [ { path: { value: /scheme-and-host } } ]
              filters: [ { type: RequestRedirect, requestRedirect: { hostname: example.org, scheme: https } } ]
            - matches: [ { path: { value: /scheme-and-status } } ]
              filters: [ { type: RequestRedirect, requestRedirect: { scheme: https, statusCode: 301 } } ]
            - matches: [ { path: { value: /scheme-and-host-and-status } } ]
              filters: [ { type: RequestRedirect, requestRedirect: { scheme: https, statusCode: 302, hostname: example.org } } ]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: specific-on-specific }
        spec:
          parentRefs: [ { name: hostnames } ]
          hostnames: [ non.matching.com, "*.nonmatchingwildcard.io", very.specific.com ]
          rules: [ { matches: [ { path: { value: /s1 } } ], backendRefs: [ { name: v1, port: 8080 } ] } ]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: specific-on-wildcard }
        spec:
          parentRefs: [ { name: hostnames } ]
          hostnames: [ non.matching.com, wildcard.io, foo.wildcard.io, bar.wildcard.io, foo.bar.wildcard.io ]
          rules: [ { matches: [ { path: { value: /s2 } } ], backendRefs: [ { name: v2, port: 8080 } ] } ]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: wildcard-on-specific }
        spec:
          parentRefs: [ { name: hostnames } ]
          hostnames: [ non.matching.com, "*.specific.com" ]
          rules: [ { matches: [ { path: { value: /s3 } } ], backendRefs: [ { name: v3, port: 8080 } ] } ]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: wildcard-on-wildcard }
        spec:
          parentRefs: [ { name: hostnames } ]
          hostnames: [ "*.anotherwildcard.io" ]
          rules: [ { matches: [ { path: { value: /s4 } } ], backendRefs: [ { name: v1, port: 8080 } ] } ]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: { name: no-intersection }
        spec:
          parentRefs: [ { name: hostnames } ]
          hostnames: [ specific.but.wrong.com, wildcard.io ]
          rules: [ { matches: [ { path: { value: /s5 } } ], backendRefs: [ { name: v2, port: 8080 } ] } ]
        """;
}
