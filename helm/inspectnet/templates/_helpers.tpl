{{/*
Names. Kubernetes names are limited to 63 characters; suffixed names leave room for their suffix.
*/}}
{{- define "inspectnet.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "inspectnet.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "inspectnet.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels. Selector labels never change across upgrades (a Deployment's selector is immutable).
Call with (dict "ctx" $ "component" "server").
*/}}
{{- define "inspectnet.selectorLabels" -}}
app.kubernetes.io/name: {{ include "inspectnet.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "inspectnet.labels" -}}
helm.sh/chart: {{ include "inspectnet.chart" .ctx }}
{{ include "inspectnet.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: inspectnet
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "inspectnet.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "inspectnet.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Image reference: repository@digest when a digest is given, else repository:tag (tag defaults to appVersion).
Call with (dict "image" .Values.image "default" .Chart.AppVersion).
*/}}
{{- define "inspectnet.imageRef" -}}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository (toString (default .default .image.tag)) }}
{{- end }}
{{- end }}

{{/* The Secret holding the database URL and the JWT secret: the chart's own or an existing one. */}}
{{- define "inspectnet.secretName" -}}
{{- default (printf "%s-secrets" (include "inspectnet.fullname" .)) .Values.secrets.existingSecret }}
{{- end }}

{{/* The keyring Secret: the chart's own (from keyring.files) or an existing one. */}}
{{- define "inspectnet.keyringSecretName" -}}
{{- default (printf "%s-keyring" (include "inspectnet.fullname" .)) .Values.keyring.existingSecret }}
{{- end }}

{{/* The purposes the keyring holds, one file each (inspectnet.keyring.Purpose). */}}
{{- define "inspectnet.keyPurposes" -}}
audit identity links ids factors
{{- end }}

{{- define "inspectnet.policyConfigMapName" -}}
{{- default (printf "%s-policy" (include "inspectnet.fullname" .)) .Values.policy.existingConfigMap }}
{{- end }}

{{- define "inspectnet.postgresqlName" -}}
{{- printf "%s-postgresql" (include "inspectnet.fullname" .) }}
{{- end }}

{{/*
The database URL the chart writes into its own Secret: the in-chart trial PostgreSQL when
postgresql.enabled, else secrets.databaseUrl (required).
*/}}
{{- define "inspectnet.databaseUrl" -}}
{{- if .Values.postgresql.enabled }}
{{- $pg := .Values.postgresql }}
{{- $password := required "postgresql.auth.password is required when postgresql.enabled is true" $pg.auth.password }}
{{- $appPassword := required "postgresql.auth.appPassword is required when postgresql.enabled is true" $pg.auth.appPassword }}
{{- printf "postgresql+asyncpg://%s:%s@%s:%d/%s" $pg.auth.appUsername (urlquery $appPassword) (include "inspectnet.postgresqlName" .) (int $pg.service.port) $pg.auth.database }}
{{- else }}
{{- required "secrets.databaseUrl is required (postgresql+asyncpg://user:password@host:5432/inspectnet) unless secrets.existingSecret or postgresql.enabled is set" .Values.secrets.databaseUrl }}
{{- end }}
{{- end }}

{{/*
The owner's URL (migrations, sweeps), which the second wall does not hold: the trial
PostgreSQL's owner when postgresql.enabled, else secrets.databaseAdminUrl (may be empty).
*/}}
{{- define "inspectnet.databaseAdminUrl" -}}
{{- if .Values.postgresql.enabled }}
{{- $pg := .Values.postgresql }}
{{- printf "postgresql+asyncpg://%s:%s@%s:%d/%s" $pg.auth.username (urlquery $pg.auth.password) (include "inspectnet.postgresqlName" .) (int $pg.service.port) $pg.auth.database }}
{{- else }}
{{- .Values.secrets.databaseAdminUrl }}
{{- end }}
{{- end }}

{{/* The application's role the migration Job grants rows to (empty: none). */}}
{{- define "inspectnet.appRole" -}}
{{- if .Values.postgresql.enabled }}{{ .Values.postgresql.auth.appUsername }}{{ else }}{{ .Values.config.db.appRole }}{{ end }}
{{- end }}

{{/* Fail early on combinations the schema cannot express. */}}
{{- define "inspectnet.validate" -}}
{{- if and .Values.postgresql.enabled .Values.secrets.existingSecret }}
{{- fail "postgresql.enabled and secrets.existingSecret are mutually exclusive: the trial database's password lives in the chart's own Secret" }}
{{- end }}
{{- if and (eq .Values.config.jwt.algorithm "RS256") (not .Values.config.jwt.jwksUrl) }}
{{- fail "config.jwt.jwksUrl is required when config.jwt.algorithm is RS256" }}
{{- end }}
{{- if and (not .Values.secrets.existingSecret) (eq .Values.config.jwt.algorithm "HS256") (lt (len .Values.secrets.jwtSecret) 32) }}
{{- fail "secrets.jwtSecret must be at least 32 characters when config.jwt.algorithm is HS256 (or use secrets.existingSecret)" }}
{{- end }}
{{- if not .Values.keyring.existingSecret }}
{{- range $purpose := splitList " " (include "inspectnet.keyPurposes" .) }}
{{- if not (index $.Values.keyring.files $purpose) }}
{{- fail (printf "keyring.files.%s is required unless keyring.existingSecret is set: the server refuses to start without every key (`inspectnet keys init --dir keys`, then --set-file keyring.files.%s=keys/%s)" $purpose $purpose $purpose) }}
{{- end }}
{{- end }}
{{- end }}
{{- if and (eq .Values.evidence.backend "s3") (not .Values.evidence.s3.bucket) }}
{{- fail "evidence.s3.bucket is required when evidence.backend is s3" }}
{{- end }}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.secrets.existingSecret) (not .Values.secrets.metricsToken) }}
{{- fail "metrics.serviceMonitor.enabled needs secrets.metricsToken (or its key in secrets.existingSecret): /metrics is not served without a token" }}
{{- end }}
{{- end }}

{{/*
Environment shared by the server and the migration Job. Secrets come from a Secret by reference,
never inline. Call with (dict "ctx" $ "secretName" "…"), and "admin" true for the pods that act
as the owner (the migration Job, the sweeps).
*/}}
{{- define "inspectnet.env" -}}
{{- $v := .ctx.Values -}}
- name: INSPECTNET_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ $v.secrets.keys.databaseUrl }}
{{- if .admin }}
{{- /* The owner's URL: the migration Job and the sweeps only, never the server. */}}
- name: INSPECTNET_DATABASE_ADMIN_URL
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ $v.secrets.keys.databaseAdminUrl }}
      optional: true
{{- with (include "inspectnet.appRole" .ctx) }}
- name: INSPECTNET_DATABASE_APP_ROLE
  value: {{ . | quote }}
{{- end }}
{{- end }}
- name: INSPECTNET_DEVELOPMENT
  value: "false"
- name: INSPECTNET_LOG_LEVEL
  value: {{ $v.config.logLevel | quote }}
- name: INSPECTNET_DB_POOL_SIZE
  value: {{ $v.config.db.poolSize | quote }}
- name: INSPECTNET_DB_MAX_OVERFLOW
  value: {{ $v.config.db.maxOverflow | quote }}
- name: INSPECTNET_DB_POOL_TIMEOUT
  value: {{ $v.config.db.poolTimeout | quote }}
- name: INSPECTNET_JWT_ALGORITHM
  value: {{ $v.config.jwt.algorithm | quote }}
- name: INSPECTNET_JWT_ISSUER
  value: {{ $v.config.jwt.issuer | quote }}
- name: INSPECTNET_JWT_AUDIENCE
  value: {{ $v.config.jwt.audience | quote }}
{{- if $v.config.jwt.jwksUrl }}
- name: INSPECTNET_JWT_JWKS_URL
  value: {{ $v.config.jwt.jwksUrl | quote }}
{{- end }}
{{- if eq $v.config.jwt.algorithm "HS256" }}
- name: INSPECTNET_JWT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ $v.secrets.keys.jwtSecret }}
{{- end }}
{{- with $v.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Where the server keeps evidence files (inspectnet/evidence.py): the mounted directory, or an
S3-compatible bucket whose access keys, when given, come from a Secret by reference.
*/}}
{{- define "inspectnet.evidenceEnv" -}}
{{- $e := .Values.evidence -}}
{{- if eq $e.backend "s3" -}}
- name: INSPECTNET_EVIDENCE_BACKEND
  value: s3
- name: INSPECTNET_EVIDENCE_S3_BUCKET
  value: {{ $e.s3.bucket | quote }}
{{- with $e.s3.prefix }}
- name: INSPECTNET_EVIDENCE_S3_PREFIX
  value: {{ . | quote }}
{{- end }}
{{- with $e.s3.endpointUrl }}
- name: INSPECTNET_EVIDENCE_S3_ENDPOINT_URL
  value: {{ . | quote }}
{{- end }}
{{- with $e.s3.region }}
- name: INSPECTNET_EVIDENCE_S3_REGION
  value: {{ . | quote }}
{{- end }}
{{- with $e.s3.existingSecret }}
- name: INSPECTNET_EVIDENCE_S3_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $e.s3.keys.accessKeyId }}
- name: INSPECTNET_EVIDENCE_S3_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $e.s3.keys.secretAccessKey }}
{{- end }}
{{- else -}}
- name: INSPECTNET_EVIDENCE_DIR
  value: /var/lib/inspectnet/evidence
{{- end }}
{{- end }}

{{/* Pod-level hardening shared by every pod of the chart. */}}
{{- define "inspectnet.podSecurityContext" -}}
{{- toYaml .Values.podSecurityContext }}
{{- end }}

{{/*
checkov exceptions, each with its reason (checkov reads `checkov.io/skipN: CHECK_ID=reason`).
Call with (dict "ctx" $ "image" .Values.image "secretEnv" true|false "digestReason" "…").
*/}}
{{- define "inspectnet.checkovSkips" -}}
{{- $n := 0 }}
{{- if .secretEnv }}
{{- $n = add1 $n }}
checkov.io/skip{{ $n }}: "CKV_K8S_35=inspectnet reads its configuration from INSPECTNET_* environment variables only (pydantic-settings); the Secret is referenced by secretKeyRef, never inlined"
{{- end }}
{{- if not .image.digest }}
{{- $n = add1 $n }}
checkov.io/skip{{ $n }}: {{ printf "CKV_K8S_43=%s" .digestReason | quote }}
{{- end }}
{{- end }}

{{/* NetworkPolicy egress rule to PostgreSQL: the trial StatefulSet, or networkPolicy.database. */}}
{{- define "inspectnet.databaseEgress" -}}
{{- $np := .Values.networkPolicy }}
{{- if .Values.postgresql.enabled }}
- to:
    - podSelector:
        matchLabels:
          {{- include "inspectnet.selectorLabels" (dict "ctx" . "component" "postgresql") | nindent 10 }}
  ports:
    - port: 5432
      protocol: TCP
{{- else }}
- ports:
    - port: {{ $np.database.port }}
      protocol: TCP
  {{- with $np.database.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}

{{- define "inspectnet.dnsEgress" -}}
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
  {{- with .Values.networkPolicy.dns.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
