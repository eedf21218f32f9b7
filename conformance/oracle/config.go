package main

// Mode "config": for each JSON line {"id", "content"} on stdin, runs upstream's PodSecurityConfiguration loader,
// the defaults-to-policy step and the validation, and prints one JSON line with every outcome.

import (
	"bufio"
	"encoding/json"
	"os"

	"sigs.k8s.io/yaml"

	admissionapi "k8s.io/pod-security-admission/admission/api"
	"k8s.io/pod-security-admission/admission/api/load"
	"k8s.io/pod-security-admission/admission/api/validation"
)

type configRequest struct {
	ID      json.RawMessage `json:"id"`
	Content string          `json:"content"`
	// Embedded: the content is a plugin configuration inside an AdmissionConfiguration; kube-apiserver hands it to
	// the plugin as JSON converted from YAML.
	Embedded bool `json:"embedded"`
}

type configEffective struct {
	Defaults   map[string]string   `json:"defaults"`
	Exemptions map[string][]string `json:"exemptions"`
}

type configResponse struct {
	ID          json.RawMessage  `json:"id"`
	LoadError   *string          `json:"loadError"`
	PolicyError *string          `json:"policyError"`
	Validation  []string         `json:"validation"`
	Effective   *configEffective `json:"effective"`
}

func init() {
	modes["config"] = runConfigMode
}

func orEmpty(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

func evaluateConfig(req configRequest) configResponse {
	resp := configResponse{ID: req.ID, Validation: []string{}}
	data := []byte(req.Content)
	if req.Embedded {
		converted, err := yaml.YAMLToJSON(data)
		if err != nil {
			msg := "embedded: " + err.Error()
			resp.LoadError = &msg
			return resp
		}
		data = converted
	}
	cfg, err := load.LoadFromData(data)
	if err != nil {
		msg := err.Error()
		resp.LoadError = &msg
		return resp
	}
	if _, err := admissionapi.ToPolicy(cfg.Defaults); err != nil {
		msg := err.Error()
		resp.PolicyError = &msg
	}
	for _, e := range validation.ValidatePodSecurityConfiguration(cfg) {
		resp.Validation = append(resp.Validation, e.Error())
	}
	d := cfg.Defaults
	resp.Effective = &configEffective{
		Defaults: map[string]string{
			"enforce": d.Enforce, "enforce-version": d.EnforceVersion,
			"audit": d.Audit, "audit-version": d.AuditVersion,
			"warn": d.Warn, "warn-version": d.WarnVersion,
		},
		Exemptions: map[string][]string{
			"usernames":      orEmpty(cfg.Exemptions.Usernames),
			"namespaces":     orEmpty(cfg.Exemptions.Namespaces),
			"runtimeClasses": orEmpty(cfg.Exemptions.RuntimeClasses),
		},
	}
	return resp
}

func runConfigMode(args []string) error {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		line := in.Bytes()
		if len(line) == 0 {
			continue
		}
		var req configRequest
		if err := json.Unmarshal(line, &req); err != nil {
			return err
		}
		if err := enc.Encode(evaluateConfig(req)); err != nil {
			return err
		}
		if err := out.Flush(); err != nil {
			return err
		}
	}
	return in.Err()
}
