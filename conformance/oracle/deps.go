package main

// Pins the upstream packages the modes use so `go mod tidy` keeps them even while a mode is being written.
import (
	_ "k8s.io/pod-security-admission/admission"
	_ "k8s.io/pod-security-admission/api"
	_ "k8s.io/pod-security-admission/policy"
)
