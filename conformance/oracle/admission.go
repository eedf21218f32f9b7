package main

// Modes `admission`, `admission-bench` and `admission-scheme`: drive upstream's admission library
// (k8s.io/pod-security-admission/admission) the way its standalone webhook does.
//
// `admission` reads JSON lines
//
//	{"id": ..., "config": "<PodSecurityConfiguration YAML/JSON text or empty>", "namespaces": [<Namespace>...],
//	 "namespaceError": "...", "pods": [<Pod>...], "podListError": "...", "serverVersion": "v1.37",
//	 "timeoutMs": 0, "body": "<AdmissionReview request body>"}
//
// and answers {"id", "httpStatus", "body", "metrics": [{"name", "labels", "value"}]}: the HTTP status and body the
// webhook handler would write (200 + the encoded review, or the plain-text error), and every counter the request
// incremented. The namespace getter serves `namespaces` by name (NotFound otherwise; every lookup fails with
// `namespaceError` when set); the pod lister returns `pods` (or fails with `podListError`).
//
// `admission-bench` takes the same lines plus "benchMs" (or a fixed "iterations") and reports the time per Validate
// call (review decoded once; object decoding, as in the webhook, happens inside each call), or with "full" per
// whole handler call (review decoded, validated and the reply encoded).
//
// `admission-scheme` prints the kinds registered in the webhook's scheme, one JSON line per group/version.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	compbasemetrics "k8s.io/component-base/metrics"
	"k8s.io/pod-security-admission/admission"
	"k8s.io/pod-security-admission/admission/api/load"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/metrics"
	"k8s.io/pod-security-admission/policy"
	kjson "sigs.k8s.io/json"
)

func init() {
	modes["admission"] = runAdmission
	modes["admission-bench"] = runAdmissionBench
	modes["admission-scheme"] = runAdmissionScheme
}

// The webhook's scheme: core, apps, batch and admission v1.
var (
	admScheme = runtime.NewScheme()
	admCodecs = serializer.NewCodecFactory(admScheme)
)

func init() {
	utilruntime.Must(corev1.AddToScheme(admScheme))
	utilruntime.Must(appsv1.AddToScheme(admScheme))
	utilruntime.Must(batchv1.AddToScheme(admScheme))
	utilruntime.Must(admissionv1.AddToScheme(admScheme))
}

type admissionRequest struct {
	ID             json.RawMessage   `json:"id"`
	Config         string            `json:"config"`
	Namespaces     []json.RawMessage `json:"namespaces"`
	NamespaceError string            `json:"namespaceError"`
	Pods           []json.RawMessage `json:"pods"`
	PodListError   string            `json:"podListError"`
	ServerVersion  string            `json:"serverVersion"`
	TimeoutMs      int64             `json:"timeoutMs"`
	Body           string            `json:"body"`
	Iterations     int               `json:"iterations"`
	BenchMs        int               `json:"benchMs"`
	Full           bool              `json:"full"`
}

type metricSample struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels"`
	Value  float64           `json:"value"`
}

type admissionResponse struct {
	ID         json.RawMessage `json:"id"`
	HTTPStatus int             `json:"httpStatus"`
	Body       string          `json:"body"`
	Metrics    []metricSample  `json:"metrics"`
	Error      string          `json:"error,omitempty"`
}

type fakeNamespaces struct {
	byName map[string]*corev1.Namespace
	err    string
}

func (f *fakeNamespaces) GetNamespace(_ context.Context, name string) (*corev1.Namespace, error) {
	if f.err != "" {
		return nil, errors.New(f.err)
	}
	if ns, ok := f.byName[name]; ok {
		return ns, nil
	}
	return nil, apierrors.NewNotFound(corev1.Resource("namespaces"), name)
}

type fakePods struct {
	pods []*corev1.Pod
	err  string
}

func (f *fakePods) ListPods(_ context.Context, _ string) ([]*corev1.Pod, error) {
	if f.err != "" {
		return nil, errors.New(f.err)
	}
	// The admission prioritizes in place: hand out a copy of the slice.
	out := make([]*corev1.Pod, len(f.pods))
	copy(out, f.pods)
	return out, nil
}

// setup is everything built from one input line.
type setup struct {
	delegate *admission.Admission
	registry compbasemetrics.KubeRegistry
}

func buildSetup(req *admissionRequest) (*setup, error) {
	config, err := load.LoadFromData([]byte(req.Config))
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	namespaces := &fakeNamespaces{byName: map[string]*corev1.Namespace{}, err: req.NamespaceError}
	for i, raw := range req.Namespaces {
		ns := &corev1.Namespace{}
		if err := kjson.UnmarshalCaseSensitivePreserveInts(raw, ns); err != nil {
			return nil, fmt.Errorf("namespaces[%d]: %w", i, err)
		}
		namespaces.byName[ns.Name] = ns
	}
	pods := &fakePods{err: req.PodListError}
	for i, raw := range req.Pods {
		pod := &corev1.Pod{}
		if err := kjson.UnmarshalCaseSensitivePreserveInts(raw, pod); err != nil {
			return nil, fmt.Errorf("pods[%d]: %w", i, err)
		}
		pods.pods = append(pods.pods, pod)
	}
	serverVersion := api.MajorMinorVersion(1, 37)
	if req.ServerVersion != "" {
		if serverVersion, err = api.ParseVersion(req.ServerVersion); err != nil {
			return nil, fmt.Errorf("serverVersion: %w", err)
		}
	}
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		return nil, err
	}
	recorder := metrics.NewPrometheusRecorder(serverVersion)
	registry := compbasemetrics.NewKubeRegistry()
	recorder.MustRegister(registry.MustRegister)
	delegate := &admission.Admission{
		Configuration:    config,
		Evaluator:        evaluator,
		Metrics:          recorder,
		PodSpecExtractor: admission.DefaultPodSpecExtractor{},
		PodLister:        pods,
		NamespaceGetter:  namespaces,
	}
	if err := delegate.CompleteConfiguration(); err != nil {
		return nil, fmt.Errorf("configuration error: %w", err)
	}
	if err := delegate.ValidateConfiguration(); err != nil {
		return nil, fmt.Errorf("invalid configuration: %w", err)
	}
	return &setup{delegate: delegate, registry: registry}, nil
}

// handle mirrors the webhook's HandleValidate after the transport checks: decode, validate, encode.
func (s *setup) handle(ctx context.Context, body []byte) (status int, out string) {
	defer func() {
		if r := recover(); r != nil {
			status, out = 500, "internal server error\n"
		}
	}()
	v1Kind := admissionv1.SchemeGroupVersion.WithKind("AdmissionReview")
	obj, gvk, err := admCodecs.UniversalDeserializer().Decode(body, &v1Kind, nil)
	if err != nil {
		return 400, "unable to decode the request\n"
	}
	if *gvk != v1Kind {
		return 400, fmt.Sprintf("unexpected AdmissionReview kind: %s\n", gvk.String())
	}
	review, ok := obj.(*admissionv1.AdmissionReview)
	if !ok {
		return 400, "unexpected AdmissionReview type\n"
	}
	attrs := api.RequestAttributes(review.Request, admCodecs.UniversalDeserializer())
	response := s.delegate.Validate(ctx, attrs)
	response.UID = review.Request.UID
	review.Response = response
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(review); err != nil {
		return 500, err.Error() + "\n"
	}
	return 200, buf.String()
}

func (s *setup) samples() ([]metricSample, error) {
	families, err := s.registry.Gather()
	if err != nil {
		return nil, err
	}
	out := []metricSample{}
	for _, family := range families {
		for _, m := range family.GetMetric() {
			value := m.GetCounter().GetValue()
			if value == 0 {
				continue
			}
			labels := map[string]string{}
			for _, pair := range m.GetLabel() {
				labels[pair.GetName()] = pair.GetValue()
			}
			out = append(out, metricSample{Name: family.GetName(), Labels: labels, Value: value})
		}
	}
	sort.Slice(out, func(i, j int) bool { return sampleKey(out[i]) < sampleKey(out[j]) })
	return out, nil
}

func sampleKey(s metricSample) string {
	keys := make([]string, 0, len(s.Labels))
	for k := range s.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(s.Name)
	for _, k := range keys {
		b.WriteString("\x00" + k + "=" + s.Labels[k])
	}
	return b.String()
}

func admissionContext(req *admissionRequest) (context.Context, context.CancelFunc) {
	if req.TimeoutMs > 0 {
		return context.WithTimeout(context.Background(), time.Duration(req.TimeoutMs)*time.Millisecond)
	}
	return context.WithCancel(context.Background())
}

func runAdmission(_ []string) error {
	return eachLine(func(line []byte) any {
		var req admissionRequest
		if err := json.Unmarshal(line, &req); err != nil {
			return admissionResponse{ID: json.RawMessage(`null`), Error: "bad input line: " + err.Error()}
		}
		s, err := buildSetup(&req)
		if err != nil {
			return admissionResponse{ID: req.ID, Error: err.Error()}
		}
		ctx, cancel := admissionContext(&req)
		defer cancel()
		status, body := s.handle(ctx, []byte(req.Body))
		samples, err := s.samples()
		if err != nil {
			return admissionResponse{ID: req.ID, Error: err.Error()}
		}
		return admissionResponse{ID: req.ID, HTTPStatus: status, Body: body, Metrics: samples}
	})
}

type admissionBenchResponse struct {
	ID         json.RawMessage `json:"id"`
	Iterations int             `json:"iterations"`
	NsPerOp    float64         `json:"nsPerOp"`
	Error      string          `json:"error,omitempty"`
}

func runAdmissionBench(_ []string) error {
	return eachLine(func(line []byte) any {
		var req admissionRequest
		if err := json.Unmarshal(line, &req); err != nil {
			return admissionBenchResponse{ID: json.RawMessage(`null`), Error: "bad input line: " + err.Error()}
		}
		s, err := buildSetup(&req)
		if err != nil {
			return admissionBenchResponse{ID: req.ID, Error: err.Error()}
		}
		v1Kind := admissionv1.SchemeGroupVersion.WithKind("AdmissionReview")
		obj, _, err := admCodecs.UniversalDeserializer().Decode([]byte(req.Body), &v1Kind, nil)
		if err != nil {
			return admissionBenchResponse{ID: req.ID, Error: err.Error()}
		}
		review := obj.(*admissionv1.AdmissionReview)
		decoder := admCodecs.UniversalDeserializer()
		ctx := context.Background()
		op := func(n int) {
			for i := 0; i < n; i++ {
				s.delegate.Validate(ctx, api.RequestAttributes(review.Request, decoder))
			}
		}
		if req.Full {
			// The whole handler after transport checks: decode the review, validate, encode the reply.
			body := []byte(req.Body)
			op = func(n int) {
				for i := 0; i < n; i++ {
					s.handle(ctx, body)
				}
			}
		}
		benchMs := req.BenchMs
		if benchMs <= 0 {
			benchMs = 500
		}
		if req.Iterations > 0 {
			op(req.Iterations/10 + 1)
			start := time.Now()
			op(req.Iterations)
			elapsed := time.Since(start)
			return admissionBenchResponse{ID: req.ID, Iterations: req.Iterations, NsPerOp: float64(elapsed.Nanoseconds()) / float64(req.Iterations)}
		}
		timedRun(op, time.Duration(benchMs/2)*time.Millisecond) // warm-up
		iterations, elapsed := timedRun(op, time.Duration(benchMs)*time.Millisecond)
		return admissionBenchResponse{ID: req.ID, Iterations: iterations, NsPerOp: float64(elapsed.Nanoseconds()) / float64(iterations)}
	})
}

// timedRun grows n until op(n) takes at least d, like testing.B, and returns the final n and its duration.
func timedRun(op func(n int), d time.Duration) (int, time.Duration) {
	n := 1
	for {
		start := time.Now()
		op(n)
		elapsed := time.Since(start)
		if elapsed >= d || n >= 1e9 {
			return n, elapsed
		}
		next := n * 100
		if elapsed > 0 {
			next = int(float64(n) * 1.2 * float64(d) / float64(elapsed))
		}
		if next > n*100 {
			next = n * 100
		}
		if next <= n {
			next = n + 1
		}
		n = next
	}
}

func runAdmissionScheme(_ []string) error {
	byGV := map[string][]string{}
	for gvk := range admScheme.AllKnownTypes() {
		gv := gvk.GroupVersion().String()
		byGV[gv] = append(byGV[gv], gvk.Kind)
	}
	gvs := make([]string, 0, len(byGV))
	for gv := range byGV {
		gvs = append(gvs, gv)
	}
	sort.Strings(gvs)
	enc := json.NewEncoder(os.Stdout)
	for _, gv := range gvs {
		kinds := byGV[gv]
		sort.Strings(kinds)
		if err := enc.Encode(map[string]any{"groupVersion": gv, "kinds": kinds}); err != nil {
			return err
		}
	}
	return nil
}

// eachLine answers every stdin line with one JSON line.
func eachLine(answer func(line []byte) any) error {
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	enc := json.NewEncoder(out)
	for {
		line, err := in.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			if encErr := enc.Encode(answer(line)); encErr != nil {
				return encErr
			}
			if in.Buffered() == 0 {
				if flushErr := out.Flush(); flushErr != nil {
					return flushErr
				}
			}
		}
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			return out.Flush()
		}
	}
}
