{{/* The roles, in the order they are rendered; each runs `start --role <role>` from the same image. */}}
{{- define "eoy.roles" -}}web api worker img{{- end -}}

{{/* Roles that answer requests from outside (a Service each); the worker only serves its probes and metrics. */}}
{{- define "eoy.servedRoles" -}}web api img{{- end -}}

{{- define "eoy.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "eoy.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Labels of every object: (dict "root" $ "component" "api"). */}}
{{- define "eoy.labels" -}}
{{ include "eoy.selectorLabels" . }}
app.kubernetes.io/version: {{ include "eoy.tag" .root | quote }}
app.kubernetes.io/part-of: eat-or-yeet
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "eoy.tag" -}}
{{- .Values.image.tag | default .Chart.AppVersion -}}
{{- end -}}

{{- define "eoy.image" -}}
{{- $repository := printf "%s/%s" .Values.image.registry .Values.image.repository | trimPrefix "/" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (include "eoy.tag" .) -}}
{{- end -}}
{{- end -}}

{{- define "eoy.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "eoy.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{/* The Secret a reference names: its own name, else secrets.existingSecret, else rendering stops. */}}
{{- define "eoy.secretName" -}}
{{- $name := .ref.name | default .root.Values.secrets.existingSecret -}}
{{- required (printf "%s: name an existing Secret (%s.name, or secrets.existingSecret for all credentials) holding %s" .path .path .holds) $name -}}
{{- end -}}

{{- define "eoy.cnpgName" -}}{{ include "eoy.fullname" . }}-pg{{- end -}}

{{/* DATABASE_URL (and PGPASSWORD where the URL carries no password) for api, worker and the migration Job. */}}
{{- define "eoy.databaseEnv" -}}
{{- $db := .Values.database -}}
{{- $cnpg := .Values.postgresql.cnpg -}}
{{- if $cnpg.enabled }}
{{- $host := ternary (printf "%s-pooler-rw" (include "eoy.cnpgName" .)) (printf "%s-rw" (include "eoy.cnpgName" .)) $cnpg.pooler.enabled }}
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "eoy.cnpgName" . }}-app
      key: password
- name: DATABASE_URL
  value: {{ printf "postgresql://app@%s:5432/app" $host | quote }}
{{- else if $db.host }}
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "eoy.secretName" (dict "root" . "ref" $db.password "path" "database.password" "holds" "the database password") }}
      key: {{ $db.password.key }}
- name: DATABASE_URL
  value: {{ printf "postgresql://%s@%s:%d/%s%s" $db.user $db.host (int $db.port) $db.name (ternary (printf "?%s" $db.parameters) "" (ne $db.parameters "")) | quote }}
{{- else }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "eoy.secretName" (dict "root" . "ref" $db.url "path" "database.url" "holds" "DATABASE_URL (or set database.host, or postgresql.cnpg.enabled)") }}
      key: {{ $db.url.key }}
{{- end }}
{{- end -}}

{{/* Credentials a role needs, each from a Secret reference: (dict "root" $ "role" "api"). */}}
{{- define "eoy.secretEnv" -}}
{{- $s := .root.Values.secrets -}}
{{- $role := .role -}}
{{- if has $role (list "api" "worker") }}
{{- include "eoy.databaseEnv" .root }}
{{- end }}
{{- if has $role (list "web" "api" "worker") }}
- name: SESSION_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "eoy.secretName" (dict "root" .root "ref" $s.session "path" "secrets.session" "holds" "SESSION_SECRET") }}
      key: {{ $s.session.key }}
{{- if $s.oidcClient.enabled }}
- name: OIDC_CLIENT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "eoy.secretName" (dict "root" .root "ref" $s.oidcClient "path" "secrets.oidcClient" "holds" "OIDC_CLIENT_SECRET") }}
      key: {{ $s.oidcClient.key }}
{{- end }}
{{- end }}
{{- if has $role (list "api" "worker" "img") }}
{{- $imgproxy := include "eoy.secretName" (dict "root" .root "ref" $s.imgproxy "path" "secrets.imgproxy" "holds" "IMGPROXY_KEY and IMGPROXY_SALT") }}
- name: IMGPROXY_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $imgproxy }}
      key: {{ $s.imgproxy.keyKey }}
- name: IMGPROXY_SALT
  valueFrom:
    secretKeyRef:
      name: {{ $imgproxy }}
      key: {{ $s.imgproxy.saltKey }}
{{- if and $s.s3.enabled (eq .root.Values.images.storage "s3") }}
{{- $s3 := include "eoy.secretName" (dict "root" .root "ref" $s.s3 "path" "secrets.s3" "holds" "the S3 access keys") }}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ $s3 }}
      key: {{ $s.s3.accessKeyIdKey }}
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $s3 }}
      key: {{ $s.s3.secretAccessKeyKey }}
{{- end }}
{{- end }}
{{- if and (eq $role "api") $s.redis.enabled }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "eoy.secretName" (dict "root" .root "ref" $s.redis "path" "secrets.redis" "holds" "REDIS_URL") }}
      key: {{ $s.redis.key }}
{{- end }}
{{- end -}}

{{/* An environment value as the app reads it: whole numbers without an exponent, booleans as true/false. */}}
{{- define "eoy.envValue" -}}
{{- if and (kindIs "float64" .) (eq (floor .) .) -}}
{{- int64 . -}}
{{- else -}}
{{- toString . -}}
{{- end -}}
{{- end -}}

{{/* Every plain setting of a role: the chart's own, then settings, then the role's settings. */}}
{{- define "eoy.settings" -}}
{{- $v := .root.Values -}}
{{- $settings := merge (deepCopy (index $v .role "settings")) (deepCopy $v.settings) -}}
{{- if and (eq $v.images.storage "s3") (not $settings.S3_BUCKET) -}}
{{- fail "settings.S3_BUCKET: required with images.storage=s3" -}}
{{- end -}}
{{- $_ := set $settings "HOST" "0.0.0.0" -}}
{{- $_ := set $settings "PORT" 3000 -}}
{{- /* /metrics on a port of its own, not through the Ingress with the site; the PodMonitor scrapes it. */}}
{{- $_ := set $settings "METRICS_PORT" 9464 -}}
{{- $_ := set $settings "PUBLIC_URL" (required "publicUrl: where people reach the platform, e.g. https://recipes.example.com" $v.publicUrl) -}}
{{- $_ := set $settings "API_URL" (printf "http://%s-api:%d" (include "eoy.fullname" .root) (int $v.service.port)) -}}
{{- $_ := set $settings "DATA_DIR" "/data" -}}
{{- $_ := set $settings "IMAGE_STORAGE" $v.images.storage -}}
{{- if eq $v.images.storage "dir" -}}
{{- $_ := set $settings "IMAGE_DIR" "/data/images" -}}
{{- end -}}
{{- $_ := set $settings "IMAGE_CACHE_DIR" "/data/img-cache" -}}
{{- range $name, $value := $settings }}
{{ $name }}: {{ include "eoy.envValue" $value | quote }}
{{- end }}
{{- end -}}

{{/* Seconds SIGTERM may take: the app's SHUTDOWN_TIMEOUT_MS (default 10 s) after the preStop pause, plus a margin. */}}
{{- define "eoy.gracePeriod" -}}
{{- $v := .root.Values -}}
{{- $ms := index (merge (deepCopy (index $v .role "settings")) (deepCopy $v.settings) (dict "SHUTDOWN_TIMEOUT_MS" 10000)) "SHUTDOWN_TIMEOUT_MS" -}}
{{- add (int $v.preStopSleepSeconds) (div (add (int64 $ms) 999) 1000) 5 -}}
{{- end -}}

{{/* The pod template of a role: (dict "root" $ "role" "api" "rollout" false). */}}
{{- define "eoy.podTemplate" -}}
{{- $v := .root.Values -}}
{{- $role := .role -}}
{{- $roleValues := index $v $role -}}
{{- $hashLabel := ternary "rollouts-pod-template-hash" "pod-template-hash" (default false .rollout) -}}
{{- $usesImageDir := and (eq $v.images.storage "dir") (has $role (list "api" "worker" "img")) -}}
metadata:
  labels:
    {{- include "eoy.labels" (dict "root" .root "component" $role) | nindent 4 }}
    {{- with $v.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    checksum/config: {{ include "eoy.settings" . | sha256sum }}
    {{- with $v.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "eoy.serviceAccountName" .root }}
  automountServiceAccountToken: false
  {{- with $v.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  securityContext:
    {{- toYaml $v.podSecurityContext | nindent 4 }}
  terminationGracePeriodSeconds: {{ include "eoy.gracePeriod" . }}
  containers:
    - name: {{ $role }}
      image: {{ include "eoy.image" .root }}
      imagePullPolicy: {{ $v.image.pullPolicy }}
      args: [start, --role, {{ $role }}]
      ports:
        - name: http
          containerPort: 3000
          protocol: TCP
        - name: metrics
          containerPort: 9464
          protocol: TCP
      envFrom:
        - configMapRef:
            name: {{ include "eoy.fullname" .root }}-{{ $role }}
      {{- with include "eoy.secretEnv" . }}
      env:
        {{- . | trim | nindent 8 }}
      {{- end }}
      startupProbe:
        httpGet: { path: /healthz, port: http }
        {{- toYaml $v.probes.startup | nindent 8 }}
      livenessProbe:
        httpGet: { path: /healthz, port: http }
        {{- toYaml $v.probes.liveness | nindent 8 }}
      readinessProbe:
        httpGet: { path: /readyz, port: http }
        {{- toYaml $v.probes.readiness | nindent 8 }}
      lifecycle:
        preStop:
          sleep:
            seconds: {{ $v.preStopSleepSeconds }}
      resources:
        {{- toYaml $roleValues.resources | nindent 8 }}
      securityContext:
        {{- toYaml $v.containerSecurityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- if eq $role "img" }}
        - name: img-cache
          mountPath: /data/img-cache
        {{- end }}
        {{- if $usesImageDir }}
        - name: images
          mountPath: /data/images
        {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: {{ $v.tmpSize }}
    {{- if eq $role "img" }}
    - name: img-cache
      emptyDir:
        {{- $cacheMb := index (merge (deepCopy $roleValues.settings) (deepCopy $v.settings) (dict "IMAGE_CACHE_MAX_MB" 512)) "IMAGE_CACHE_MAX_MB" }}
        sizeLimit: {{ add (int64 $cacheMb) (int64 $roleValues.cacheHeadroomMi) }}Mi
    {{- end }}
    {{- if $usesImageDir }}
    - name: images
      persistentVolumeClaim:
        claimName: {{ $v.images.persistence.existingClaim | default (printf "%s-images" (include "eoy.fullname" .root)) }}
    {{- end }}
  {{- if $v.topologySpread.enabled }}
  topologySpreadConstraints:
    - maxSkew: {{ $v.topologySpread.maxSkew }}
      topologyKey: topology.kubernetes.io/zone
      whenUnsatisfiable: {{ $v.topologySpread.zone }}
      labelSelector:
        matchLabels:
          {{- include "eoy.selectorLabels" (dict "root" .root "component" $role) | nindent 10 }}
      matchLabelKeys: [{{ $hashLabel }}]
    - maxSkew: {{ $v.topologySpread.maxSkew }}
      topologyKey: kubernetes.io/hostname
      whenUnsatisfiable: {{ $v.topologySpread.node }}
      labelSelector:
        matchLabels:
          {{- include "eoy.selectorLabels" (dict "root" .root "component" $role) | nindent 10 }}
      matchLabelKeys: [{{ $hashLabel }}]
  {{- end }}
  {{- with $v.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{/* A NetworkPolicy peer: pods (any, by default) in the namespaces a selector picks. */}}
{{- define "eoy.peer" -}}
- namespaceSelector:
    {{- toYaml .namespaceSelector | nindent 4 }}
  podSelector:
    {{- toYaml (.podSelector | default dict) | nindent 4 }}
{{- end -}}
