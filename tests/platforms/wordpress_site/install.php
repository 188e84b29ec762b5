<?php
/*
 * php install.php SITE_DIR SITE.json
 *
 * Installs a fresh WordPress in SITE_DIR (with its own wp-config.php) from a JSON description
 * of the site: the calls the web installer and the editor make (wp_install, wp_insert_post,
 * nav menus, block widgets), since Debian ships no WP-CLI.
 */

$site = json_decode(file_get_contents($argv[2]), true);
define('WP_INSTALLING', true);
$_SERVER['HTTP_HOST'] = parse_url($site['url'], PHP_URL_HOST) . ':' . parse_url($site['url'], PHP_URL_PORT);

// Pluggable: the installer would e-mail the new site's password through sendmail.
function wp_new_blog_notification($blog_title, $blog_url, $user_id, $password) {
}

require_once $argv[1] . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

$result = wp_install($site['title'], 'editor', 'editor@example.com', true, '', wp_generate_password(20));
if (is_wp_error($result)) {
    fwrite(STDERR, $result->get_error_message() . "\n");
    exit(1);
}
update_option('siteurl', $site['url']);
update_option('home', $site['url']);
update_option('blogdescription', $site['tagline']);
update_option('permalink_structure', '/%postname%/');
update_option('timezone_string', 'UTC');
switch_theme('twentytwentyone');
wp_set_current_user(1);

// The default "Hello world!" post and "Sample Page" would be part of every search.
wp_delete_post(1, true);
wp_delete_post(2, true);

$ids = array();
foreach ($site['posts'] as $post) {
    $slug = isset($post['old_slug']) ? $post['old_slug'] : $post['slug'];
    $id = wp_insert_post(array(
        'post_type' => $post['type'],
        'post_status' => 'publish',
        'post_title' => $post['title'],
        'post_name' => $slug,
        'post_date' => isset($post['date']) ? $post['date'] : '',
        'post_content' => $post['content'],
        'post_excerpt' => isset($post['excerpt']) ? $post['excerpt'] : '',
        'tags_input' => isset($post['tags']) ? $post['tags'] : array(),
        'post_category' => isset($post['category'])
            ? array(wp_create_category($post['category'])) : array(),
    ), true);
    if (is_wp_error($id)) {
        fwrite(STDERR, $id->get_error_message() . "\n");
        exit(1);
    }
    if (isset($post['old_slug'])) {
        // Renaming a published post is what records _wp_old_slug, as the editor does.
        wp_update_post(array('ID' => $id, 'post_name' => $post['slug']));
    }
    $ids[$post['slug']] = $id;
}

$menu = wp_create_nav_menu('Main');
foreach ($site['menu'] as $slug) {
    $target = get_post($ids[$slug]);
    wp_update_nav_menu_item($menu, 0, array(
        'menu-item-title' => $target->post_title,
        'menu-item-object' => $target->post_type,
        'menu-item-object-id' => $target->ID,
        'menu-item-type' => 'post_type',
        'menu-item-status' => 'publish',
    ));
}
set_theme_mod('nav_menu_locations', array('primary' => $menu));

// Block widgets after the defaults (search, recent posts, recent comments) in the footer area.
$blocks = get_option('widget_block');
$sidebars = get_option('sidebars_widgets');
$next = 100;
foreach ($site['widgets'] as $content) {
    $blocks[$next] = array('content' => $content);
    $sidebars['sidebar-1'][] = 'block-' . $next;
    $next++;
}
update_option('widget_block', $blocks);
update_option('sidebars_widgets', $sidebars);

update_option('campaign_redirects', $site['redirects']);
flush_rewrite_rules();
echo "installed\n";
