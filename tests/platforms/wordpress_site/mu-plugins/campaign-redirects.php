<?php
/*
 * Plugin Name: Campaign redirects
 * Description: The site's redirect table (path => [target, status]), as redirect plugins keep it;
 * a target without a scheme is a path on the site. The query string is not carried over.
 */

add_action('template_redirect', function () {
    $table = get_option('campaign_redirects', array());
    $path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
    if (isset($table[$path])) {
        list($target, $status) = $table[$path];
        wp_redirect(home_url($target), $status);
        exit;
    }
}, 1);
