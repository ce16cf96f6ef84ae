package dev.forgesync.control.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** {@code GET /signin}: the form; Spring Security handles its POST ({@link WebSecurityConfiguration}). */
@Controller
class SignInController {

    @GetMapping("/signin")
    String signIn() {
        return "signin";
    }
}
