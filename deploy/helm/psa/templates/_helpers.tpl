{{- define "psa.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "psa.labels" -}}
app.kubernetes.io/name: psa-webhook
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "psa.selectorLabels" -}}
app.kubernetes.io/name: psa-webhook
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "psa.tlsSecret" -}}
{{- if .Values.tls.certManager.enabled -}}
{{ include "psa.fullname" . }}-tls
{{- else -}}
{{ required "tls.existingSecret is required when tls.certManager.enabled is false" .Values.tls.existingSecret }}
{{- end -}}
{{- end -}}
